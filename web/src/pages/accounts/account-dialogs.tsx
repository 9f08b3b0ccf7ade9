// Dialogs the list and the account page share: disable with a reason, delete after confirming, and a
// connection test's outcome.
import {
  AccountsPageDeleteDocument,
  AccountsPageDisableDocument,
  type AccountsPageRowFragment,
  type AccountsPageTestMutation,
} from '@clients/generated/graphql/graphql';
import { Alert, Button, CloseButton, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { ConfirmModal } from '../../components/confirm-modal';
import { formatMs, formatTime } from '../../components/format';
import { ErrorNotice } from '../../components/page';

export interface NamedAccount {
  id: string;
  name: string;
}

export type TestResult = AccountsPageTestMutation['testAccount'];

/** Takes the account out of service until enabled again; the reason shows on its page. */
export function DisableAccountModal(props: {
  account: NamedAccount | undefined;
  onClose: () => void;
  onDisabled: (account: AccountsPageRowFragment) => void;
}) {
  const [reason, setReason] = useState('');
  const disable = useMutation(AccountsPageDisableDocument);
  const close = () => {
    setReason('');
    disable.reset();
    props.onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!props.account) return;
    const result = await disable.run({ id: props.account.id, reason: reason.trim() || undefined });
    if (result) {
      props.onDisabled(result.disableAccount);
      close();
    }
  };
  return (
    <Modal
      opened={props.account !== undefined}
      onClose={close}
      title={`Disable ${props.account?.name ?? ''}`}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm">
            No requests are sent to a disabled account until it is enabled again; its settings and secrets
            stay.
          </Text>
          <Textarea
            label="Reason"
            description="Optional; shown on the account’s page."
            maxLength={500}
            autosize
            minRows={2}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={disable.fieldErrors.reason}
            data-autofocus
          />
          {disable.error && !disable.fieldErrors.reason ? <ErrorNotice error={disable.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color="orange" loading={disable.running} disabled={disable.running}>
              Disable account
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function DeleteAccountModal(props: {
  account: NamedAccount | undefined;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const remove = useMutation(AccountsPageDeleteDocument);
  const close = () => {
    remove.reset();
    props.onClose();
  };
  const confirm = async () => {
    if (!props.account) return;
    if (await remove.run({ id: props.account.id })) {
      remove.reset();
      props.onDeleted();
    }
  };
  return (
    <ConfirmModal
      opened={props.account !== undefined}
      title="Delete account"
      confirmLabel="Delete account"
      running={remove.running}
      error={remove.error}
      onConfirm={() => void confirm()}
      onClose={close}
      form
    >
      Delete <b>{props.account?.name}</b>? Its settings, secrets, state history and tests are removed, and
      requests are no longer sent to it. This cannot be undone.
    </ConfirmModal>
  );
}

/** A test's outcome: ok or not, the upstream status, latency, model and message. */
export function TestResultNotice(props: { name: string; result: TestResult; onClose?: () => void }) {
  const { result } = props;
  return (
    <Alert
      color={result.ok ? 'green' : 'red'}
      role="status"
      mb="md"
      title={
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <span>
            Test of {props.name}: {result.ok ? 'OK' : 'failed'}
          </span>
          {props.onClose ? (
            <CloseButton size="sm" aria-label="Dismiss test result" onClick={props.onClose} />
          ) : null}
        </Group>
      }
    >
      <Stack gap={2}>
        <Text size="sm">
          Status {result.status ?? '—'} · {formatMs(result.latencyMs)} · model {result.model} ·{' '}
          {formatTime(result.at)}
        </Text>
        {result.message ? <Text size="sm">{result.message}</Text> : null}
      </Stack>
    </Alert>
  );
}
