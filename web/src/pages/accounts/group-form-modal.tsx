// Create or rename/redescribe an account group, and delete one after confirming.
import {
  AccountsPageGroupCreateDocument,
  AccountsPageGroupDeleteDocument,
  type AccountsPageGroupFragment,
  AccountsPageGroupUpdateDocument,
  type AccountsPageRowFragment,
} from '@clients/generated/graphql/graphql';
import { Button, Group, Modal, MultiSelect, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { ConfirmModal } from '../../components/confirm-modal';
import { ErrorNotice } from '../../components/page';
import { errorAt } from './account-form-values';
import { PLATFORMS } from './account-kinds';

/** `group` undefined with `opened`: a new group; otherwise edits that group's name and description. */
export function GroupFormModal(props: {
  opened: boolean;
  group: AccountsPageGroupFragment | undefined;
  accounts: readonly AccountsPageRowFragment[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { group } = props;
  const [name, setName] = useState('');
  const [platform, setPlatform] = useState<string | null>(null);
  const [description, setDescription] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const create = useMutation(AccountsPageGroupCreateDocument);
  const update = useMutation(AccountsPageGroupUpdateDocument);
  const active = group ? update : create;

  useEffect(() => {
    if (!props.opened) return;
    setName(group?.name ?? '');
    setPlatform(group?.platform ?? null);
    setDescription(group?.description ?? '');
    setMembers([]);
  }, [props.opened, group]);

  const close = () => {
    create.reset();
    update.reset();
    props.onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = group
      ? await update.run({ id: group.id, input: { name: name.trim(), description: description.trim() } })
      : await create.run({
          input: {
            name: name.trim(),
            platform: platform ?? '',
            description: description.trim() || undefined,
            memberIds: members,
          },
        });
    if (saved) {
      close();
      props.onSaved();
    }
  };
  const candidates = props.accounts
    .filter((account) => account.platform === platform)
    .map((account) => ({ value: account.id, label: account.name }));
  const fieldErrors = active.fieldErrors;

  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={group ? `Edit group ${group.name}` : 'New account group'}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label="Group name"
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldErrors.name}
            data-autofocus
          />
          {group ? (
            <Text size="sm">
              Pool: <b>{group.platform}</b> (a group’s pool does not change)
            </Text>
          ) : (
            <Select
              label="Pool"
              description="A group holds accounts of one pool."
              required
              data={PLATFORMS}
              value={platform}
              onChange={(value) => {
                setPlatform(value);
                setMembers([]);
              }}
              allowDeselect={false}
              error={fieldErrors.platform}
            />
          )}
          <Textarea
            label="Group description"
            description={group ? 'Empty removes it.' : undefined}
            autosize
            minRows={1}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            error={fieldErrors.description}
          />
          {group ? null : (
            <MultiSelect
              label="Member accounts"
              description={platform ? 'Optional; you can add them later.' : 'Pick the pool first.'}
              data={candidates}
              value={members}
              onChange={setMembers}
              disabled={!platform}
              searchable
              nothingFoundMessage="No accounts in this pool"
              error={errorAt(fieldErrors, 'memberIds')}
            />
          )}
          {active.error && Object.keys(fieldErrors).length === 0 ? (
            <ErrorNotice error={active.error} />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={active.running}
              disabled={active.running || name.trim() === '' || (!group && !platform)}
            >
              {group ? 'Save group' : 'Create group'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function DeleteGroupModal(props: {
  group: AccountsPageGroupFragment | undefined;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const remove = useMutation(AccountsPageGroupDeleteDocument);
  const close = () => {
    remove.reset();
    props.onClose();
  };
  const confirm = async () => {
    if (!props.group) return;
    if (await remove.run({ id: props.group.id })) {
      close();
      props.onDeleted();
    }
  };
  return (
    <ConfirmModal
      opened={props.group !== undefined}
      title="Delete group"
      confirmLabel="Delete group"
      running={remove.running}
      error={remove.error}
      onConfirm={() => void confirm()}
      onClose={close}
      form
    >
      Delete the group <b>{props.group?.name}</b>? Its accounts stay. Keys still bound to it have no account
      to serve them, unless their binding falls back to the whole pool.
    </ConfirmModal>
  );
}
