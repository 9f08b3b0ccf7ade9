// A modal asking before something is deleted for good, with the deletion's error if the server refuses it.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorNotice } from './page';

export function ConfirmDelete(props: {
  /** What is about to go; undefined closes the modal. */
  subject: string | undefined;
  consequence: ReactNode;
  running: boolean;
  error: Error | undefined;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal
      opened={props.subject !== undefined}
      onClose={props.onCancel}
      title={`Delete ${props.subject ?? ''}?`}
    >
      <Stack gap="sm">
        {props.error ? <ErrorNotice error={props.error} title="Not deleted" /> : null}
        <Text size="sm">{props.consequence}</Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={props.onConfirm} loading={props.running} disabled={props.running}>
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
