// A row's manager actions in the accounts table: test the connection, reset the live state, enable/disable.
import {
  AccountsPageEnableDocument,
  AccountsPageResetDocument,
  type AccountsPageRowFragment,
  AccountsPageTestDocument,
} from '@clients/generated/graphql/graphql';
import { Button, Group } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { DisableAccountModal, type TestResult } from './account-dialogs';

export function AccountRowActions(props: {
  account: AccountsPageRowFragment;
  onChanged: (change: Partial<AccountsPageRowFragment> & { id: string }) => void;
  onTested: (result: TestResult) => void;
  onError: (error: Error | undefined) => void;
}) {
  const { account, onChanged, onError } = props;
  const test = useMutation(AccountsPageTestDocument);
  const reset = useMutation(AccountsPageResetDocument);
  const enable = useMutation(AccountsPageEnableDocument);
  const [disabling, setDisabling] = useState(false);

  // The mutations keep their own error; the table shows the latest above the rows.
  const failure = test.error ?? reset.error ?? enable.error;
  useEffect(() => {
    if (failure) onError(failure);
  }, [failure, onError]);

  const runTest = async () => {
    onError(undefined);
    const result = await test.run({ id: account.id });
    if (result) props.onTested(result.testAccount);
  };
  const runReset = async () => {
    onError(undefined);
    const result = await reset.run({ id: account.id });
    if (result) onChanged({ id: account.id, live: result.resetAccount });
  };
  const runEnable = async () => {
    onError(undefined);
    const result = await enable.run({ id: account.id });
    if (result) onChanged(result.enableAccount);
  };

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
