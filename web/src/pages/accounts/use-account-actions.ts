// The test, reset and enable mutations an account's actions run (table row and account page alike).
import {
  AccountsPageEnableDocument,
  type AccountsPageEnableMutation,
  AccountsPageResetDocument,
  type AccountsPageResetMutation,
  AccountsPageTestDocument,
} from '@clients/generated/graphql/graphql';
import { useEffect } from 'react';
import { useMutation } from '../../app/use-graphql';
import type { TestResult } from './account-dialogs';

export function useAccountActions(
  id: string,
  handlers: {
    onError: (error: Error | undefined) => void;
    onTested: (result: TestResult) => void;
    onReset: (live: AccountsPageResetMutation['resetAccount']) => void;
    onEnabled: (account: AccountsPageEnableMutation['enableAccount']) => void;
  },
) {
  const { onError } = handlers;
  const test = useMutation(AccountsPageTestDocument);
  const reset = useMutation(AccountsPageResetDocument);
  const enable = useMutation(AccountsPageEnableDocument);

  // The mutations keep their own error; the caller shows the latest.
  const failure = test.error ?? reset.error ?? enable.error;
  useEffect(() => {
    if (failure) onError(failure);
  }, [failure, onError]);

  const runTest = async () => {
    onError(undefined);
    const result = await test.run({ id });
    if (result) handlers.onTested(result.testAccount);
  };
  const runReset = async () => {
    onError(undefined);
    const result = await reset.run({ id });
    if (result) handlers.onReset(result.resetAccount);
  };
  const runEnable = async () => {
    onError(undefined);
    const result = await enable.run({ id });
    if (result) handlers.onEnabled(result.enableAccount);
  };
  return { test, reset, enable, runTest, runReset, runEnable };
}
