// A modal asking before a drastic action: what happens, the action's error if it failed, Cancel and the action.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { ErrorNotice } from './page';

export function ConfirmModal(props: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  running: boolean;
  error: Error | undefined;
  onConfirm: () => void;
  onClose: () => void;
  /** Inside a form, the action being its submit button. */
  form?: boolean;
}) {
  const body = (
    <Stack gap="md">
      <Text size="sm">{props.children}</Text>
      {props.error ? <ErrorNotice error={props.error} /> : null}
      <Group justify="flex-end">
        <Button variant="default" onClick={props.onClose} data-autofocus>
          Cancel
        </Button>
        {props.form ? (
          <Button type="submit" color="red" loading={props.running} disabled={props.running}>
            {props.confirmLabel}
          </Button>
        ) : (
          <Button color="red" onClick={props.onConfirm} loading={props.running} disabled={props.running}>
            {props.confirmLabel}
          </Button>
        )}
      </Group>
    </Stack>
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onConfirm();
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title}>
      {props.form ? <form onSubmit={submit}>{body}</form> : body}
    </Modal>
  );
}
