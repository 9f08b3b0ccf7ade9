// A row's manager actions in the accounts table: test the connection, reset the live state, enable/disable.
import type { AccountsPageRowFragment } from '@clients/generated/graphql/graphql';
import { Button, Group } from '@mantine/core';
import { useState } from 'react';
import { DisableAccountModal, type TestResult } from './account-dialogs';
import { useAccountActions } from './use-account-actions';

export function AccountRowActions(props: {
  account: AccountsPageRowFragment;
  onChanged: (change: Partial<AccountsPageRowFragment> & { id: string }) => void;
  onTested: (result: TestResult) => void;
  onError: (error: Error | undefined) => void;
}) {
  const { account, onChanged, onError } = props;
  const { test, reset, enable, runTest, runReset, runEnable } = useAccountActions(account.id, {
    onError,
    onTested: props.onTested,
    onReset: (live) => onChanged({ id: account.id, live }),
    onEnabled: onChanged,
  });
  const [disabling, setDisabling] = useState(false);

  return (
    <Group gap={4} wrap="nowrap">
      <Button
        size="compact-sm"
        variant="light"
        onClick={runTest}
        loading={test.running}
        disabled={test.running}
        aria-label={`Test ${account.name}`}
      >
        Test
      </Button>
      <Button
        size="compact-sm"
        variant="light"
        color="gray"
        onClick={runReset}
        loading={reset.running}
        disabled={reset.running}
        aria-label={`Reset ${account.name}`}
      >
        Reset
      </Button>
      {account.enabled ? (
        <Button
          size="compact-sm"
          variant="light"
          color="orange"
          onClick={() => {
            onError(undefined);
            setDisabling(true);
          }}
          aria-label={`Disable ${account.name}`}
        >
          Disable
        </Button>
      ) : (
        <Button
          size="compact-sm"
          variant="light"
          color="green"
          onClick={runEnable}
          loading={enable.running}
          disabled={enable.running}
          aria-label={`Enable ${account.name}`}
        >
          Enable
        </Button>
      )}
      <DisableAccountModal
        account={disabling ? account : undefined}
        onClose={() => setDisabling(false)}
        onDisabled={onChanged}
      />
    </Group>
  );
}
