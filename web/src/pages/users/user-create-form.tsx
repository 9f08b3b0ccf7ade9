// Role: an admin creates a control-plane user with a username, a first password and a role.
import { type Role, UsersPageCreateDocument } from '@clients/generated/graphql/graphql';
import { Button, Group, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { ErrorNotice } from '../../components/page';

export const ROLE_OPTIONS: Array<{ value: Role; label: string }> = [
  { value: 'admin', label: 'Admin — everything, users included' },
  { value: 'operator', label: 'Operator — manages the relay' },
  { value: 'viewer', label: 'Viewer — reads everything, changes nothing' },
  { value: 'member', label: 'Member — owns keys, sees only their own' },
];

export function UserCreateForm(props: { onCreated: (username: string) => void; onCancel: () => void }) {
  const create = useMutation(UsersPageCreateDocument);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('member');
  const errors = create.fieldErrors;
  const placed = ['username', 'password', 'role'].some((field) => errors[field] !== undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create.run({ input: { username: username.trim(), password, role } });
    if (result) props.onCreated(result.createUser.username);
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Create user">
      <Stack gap="sm">
        <TextInput
          label="Username"
          description="3 to 64 letters, digits, _ . or -."
          autoComplete="off"
          required
          value={username}
          onChange={(event) => setUsername(event.currentTarget.value)}
          error={errors.username}
          data-autofocus
        />
        <PasswordInput
          label="Password"
          description="12 to 256 characters. Give it to the user; they can change it after signing in."
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={errors.password}
        />
        <Select
          label="Role"
          data={ROLE_OPTIONS}
          value={role}
          onChange={(value) => setRole(value ?? 'member')}
          allowDeselect={false}
          error={errors.role}
        />
        {create.error && !placed ? (
          <ErrorNotice error={create.error} title="The user was not created" />
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
          <Button
            type="submit"
            loading={create.running}
            disabled={create.running || !username.trim() || !password}
          >
            Create the user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
