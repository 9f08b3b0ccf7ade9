// The account page's manager actions: test, reset, enable/disable (with a reason), re-authorize, delete.
import type {
  AccountsPageLiveFragment,
  AccountsPageRowFragment,
  AccountsPageSettingsFragment,
} from '@clients/generated/graphql/graphql';
import { Button, Group } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { DeleteAccountModal, DisableAccountModal, type TestResult } from './account-dialogs';
import { isOAuthType } from './account-kinds';
import { ReauthorizeModal } from './reauthorize-modal';
import { useAccountActions } from './use-account-actions';

export function AccountActions(props: {
  account: AccountsPageSettingsFragment;
  editing: boolean;
  onEdit: () => void;
  onTested: (result: TestResult) => void;
  onLive: (live: AccountsPageLiveFragment) => void;
  onChanged: (account: AccountsPageRowFragment | AccountsPageSettingsFragment) => void;
  onError: (error: Error | undefined) => void;
}) {
  const { account, onError } = props;
  const navigate = useNavigate();
  const { test, reset, enable, runTest, runReset, runEnable } = useAccountActions(account.id, {
    onError,
    onTested: props.onTested,
    onReset: props.onLive,
    onEnabled: props.onChanged,
  });
  const [dialog, setDialog] = useState<'disable' | 'delete' | 'reauthorize' | undefined>();

  return (
    <Group gap="xs">
      {props.editing ? null : (
        <Button variant="default" onClick={props.onEdit}>
          Edit settings
        </Button>
      )}
      <Button variant="light" onClick={runTest} loading={test.running} disabled={test.running}>
        Test connection
      </Button>
      <Button
        variant="light"
        color="gray"
        onClick={runReset}
        loading={reset.running}
        disabled={reset.running}
      >
        Reset state
      </Button>
      {isOAuthType(account.type) ? (
        <Button variant="light" color="violet" onClick={() => setDialog('reauthorize')}>
          Re-authorize
        </Button>
      ) : null}
      {account.enabled ? (
        <Button variant="light" color="orange" onClick={() => setDialog('disable')}>
          Disable
        </Button>
      ) : (
        <Button
          variant="light"
          color="green"
          onClick={runEnable}
          loading={enable.running}
          disabled={enable.running}
        >
          Enable
        </Button>
      )}
      <Button variant="light" color="red" onClick={() => setDialog('delete')}>
        Delete
      </Button>
      <DisableAccountModal
        account={dialog === 'disable' ? account : undefined}
        onClose={() => setDialog(undefined)}
        onDisabled={props.onChanged}
      />
      <DeleteAccountModal
        account={dialog === 'delete' ? account : undefined}
        onClose={() => setDialog(undefined)}
        onDeleted={() => navigate('/accounts', { replace: true })}
      />
      {isOAuthType(account.type) ? (
        <ReauthorizeModal
          account={account}
          opened={dialog === 'reauthorize'}
          onClose={() => setDialog(undefined)}
          onDone={props.onChanged}
        />
      ) : null}
    </Group>
  );
}
