// Role: what can be done to a whole key from its page — switch it on or off, rotate it (after a confirmation;
// the new plaintext goes to the caller), delete it (after a confirmation).
import {
  KeysPageDeleteDocument,
  type KeysPageKeyFieldsFragment,
  KeysPageRotateDocument,
  KeysPageUpdateDocument,
} from '@clients/generated/graphql/graphql';
import { Button, Group, Stack, Switch } from '@mantine/core';
import { useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { ConfirmModal } from '../../components/confirm-modal';
import { ErrorNotice } from '../../components/page';

type Key = KeysPageKeyFieldsFragment;

export function KeyActions(props: {
  apiKey: Key;
  onChanged: (key: Key) => void;
  onRotated: (issued: { key: Key; plaintext: string }) => void;
  onDeleted: () => void;
}) {
  const { apiKey } = props;
  const update = useMutation(KeysPageUpdateDocument);
  const rotate = useMutation(KeysPageRotateDocument);
  const remove = useMutation(KeysPageDeleteDocument);
  const [confirming, setConfirming] = useState<'rotate' | 'delete' | undefined>();

  const toggle = async (enabled: boolean) => {
    const result = await update.run({ id: apiKey.id, input: { enabled } });
    if (result) props.onChanged(result.updateApiKey);
  };
  const confirmRotate = async () => {
    const result = await rotate.run({ id: apiKey.id });
    if (!result) return;
    setConfirming(undefined);
    props.onRotated({ key: result.rotateApiKey.key, plaintext: result.rotateApiKey.plaintext });
  };
  const confirmDelete = async () => {
    const result = await remove.run({ id: apiKey.id });
    if (!result) return;
    setConfirming(undefined);
    props.onDeleted();
  };
  const open = (which: 'rotate' | 'delete') => {
    rotate.reset();
    remove.reset();
    setConfirming(which);
  };

  return (
    <Stack gap="xs" align="flex-end">
      <Group gap="sm">
        <Switch
          label="Enabled"
          checked={apiKey.enabled}
          disabled={update.running}
          onChange={(event) => void toggle(event.currentTarget.checked)}
        />
        <Button variant="default" onClick={() => open('rotate')}>
          Rotate
        </Button>
        <Button variant="light" color="red" onClick={() => open('delete')}>
          Delete
        </Button>
      </Group>
      {update.error ? <ErrorNotice error={update.error} title="The key was not switched" /> : null}
      <ConfirmModal
        opened={confirming === 'rotate'}
        title="Rotate this key?"
        confirmLabel="Rotate key"
        running={rotate.running}
        error={rotate.error}
        onConfirm={() => void confirmRotate()}
        onClose={() => setConfirming(undefined)}
      >
        “{apiKey.name}” gets a new value, shown once. The current value stops working at once: every client
        using it must be given the new one.
      </ConfirmModal>
      <ConfirmModal
        opened={confirming === 'delete'}
        title="Delete this key?"
        confirmLabel="Delete key"
        running={remove.running}
        error={remove.error}
        onConfirm={() => void confirmDelete()}
        onClose={() => setConfirming(undefined)}
      >
        “{apiKey.name}” stops working at once and cannot be restored. Its past usage stays in the reports.
      </ConfirmModal>
    </Stack>
  );
}
