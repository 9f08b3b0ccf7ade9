// Edits an account: its settings, and new secrets for those given (empty secret fields keep the current ones).
import {
  type AccountsPageSettingsFragment,
  AccountsPageUpdateDocument,
} from '@clients/generated/graphql/graphql';
import { Button, Group, Stack, Text } from '@mantine/core';
import { type FormEvent, useMemo, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { ErrorNotice } from '../../components/page';
import {
  type CredentialValues,
  emptyCredentials,
  type SettingsValues,
  settingsOf,
  updateInputOf,
} from './account-form-values';
import { isOAuthType } from './account-kinds';
import { CredentialFields } from './credential-fields';
import { SettingsFields } from './settings-fields';

export function AccountEditForm(props: {
  account: AccountsPageSettingsFragment;
  onSaved: (account: AccountsPageSettingsFragment) => void;
  onCancel: () => void;
}) {
  const { account } = props;
  const before = useMemo(() => settingsOf(account), [account]);
  const [values, setValues] = useState<SettingsValues>(before);
  const [secrets, setSecrets] = useState<CredentialValues>(emptyCredentials);
  const [unchanged, setUnchanged] = useState(false);
  const update = useMutation(AccountsPageUpdateDocument);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = updateInputOf(before, values, secrets);
    if (Object.keys(input).length === 0) {
      setUnchanged(true);
      return;
    }
    setUnchanged(false);
    const result = await update.run({ id: account.id, input });
    if (result) props.onSaved(result.updateAccount);
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Edit account">
      <Stack gap="md">
        <SettingsFields
          type={account.type}
          values={values}
          onChange={setValues}
          fieldErrors={update.fieldErrors}
          editing
        />
        <CredentialFields
          type={account.type}
          values={secrets}
          onChange={setSecrets}
          fieldErrors={update.fieldErrors}
          rotating
        />
        {isOAuthType(account.type) ? (
          <Text size="sm" c="dimmed">
            To sign this account in again, use “Re-authorize” instead of pasting tokens.
          </Text>
        ) : null}
        {unchanged ? (
          <Text size="sm" role="status">
            Nothing has changed.
          </Text>
        ) : null}
        {update.error && Object.keys(update.fieldErrors).length === 0 ? (
          <ErrorNotice error={update.error} title="The changes were not saved" />
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={update.running} disabled={update.running}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
