// Role: the signed-in user changes their own password (every role may). The server then ends every session of
// theirs, this one included, so the form sends them to sign in again.
import { UsersPageChangePasswordDocument } from '@clients/generated/graphql/graphql';
import { Alert, Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { sessions } from '../../app/api';
import { useMutation } from '../../app/use-graphql';
import { ErrorNotice } from '../../components/page';

const MIN_LENGTH = 12;

export function ChangePasswordForm() {
  const change = useMutation(UsersPageChangePasswordDocument);
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [done, setDone] = useState(false);
  const mismatch = repeated !== '' && repeated !== newPassword;
  const tooShort = newPassword !== '' && newPassword.length < MIN_LENGTH;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mismatch || tooShort) return;
    const result = await change.run({ currentPassword, newPassword });
    if (!result) return;
    // Passwords do not stay in memory longer than the form needs them.
    setCurrentPassword('');
    setNewPassword('');
    setRepeated('');
    setDone(true);
  };

  if (done) {
    return (
      <Alert color="teal" title="Password changed" role="status">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">
            Every session of yours has ended, this one included. Sign in with the new password.
          </Text>
          <Button size="xs" onClick={() => sessions.end('expired')}>
            Sign in again
          </Button>
        </Stack>
      </Alert>
    );
  }

  const { fieldErrors } = change;
  const placed = fieldErrors.currentPassword !== undefined || fieldErrors.newPassword !== undefined;
  return (
    <form onSubmit={submit} noValidate aria-label="Change my password">
      <Stack gap="sm" maw={420}>
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.currentTarget.value)}
          error={fieldErrors.currentPassword}
        />
        <PasswordInput
          label="New password"
          description={`At least ${MIN_LENGTH} characters.`}
          autoComplete="new-password"
          required
          value={newPassword}
          onChange={(event) => setNewPassword(event.currentTarget.value)}
          error={fieldErrors.newPassword ?? (tooShort ? `Use at least ${MIN_LENGTH} characters` : undefined)}
        />
        <PasswordInput
          label="Confirm password"
          description="The new password again."
          autoComplete="new-password"
          required
          value={repeated}
          onChange={(event) => setRepeated(event.currentTarget.value)}
          error={mismatch ? 'The two new passwords differ' : undefined}
        />
        {change.error && !placed ? (
          <ErrorNotice error={change.error} title="The password was not changed" />
        ) : null}
        <Group>
          <Button
            type="submit"
            loading={change.running}
            disabled={
              change.running || !currentPassword || !newPassword || newPassword !== repeated || tooShort
            }
          >
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
