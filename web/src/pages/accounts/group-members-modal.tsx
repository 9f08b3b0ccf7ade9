// A group's member accounts: remove one, or add accounts of the group's pool.
import {
  AccountsPageGroupAddMembersDocument,
  type AccountsPageGroupFragment,
  AccountsPageGroupRemoveMembersDocument,
  type AccountsPageRowFragment,
} from '@clients/generated/graphql/graphql';
import { Anchor, Button, Group, Modal, MultiSelect, Stack, Table, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { useMutation } from '../../app/use-graphql';
import { ErrorNotice } from '../../components/page';
import { errorAt } from './account-form-values';

export function GroupMembersModal(props: {
  group: AccountsPageGroupFragment | undefined;
  accounts: readonly AccountsPageRowFragment[];
  canManage: boolean;
  onClose: () => void;
  onChanged: (group: AccountsPageGroupFragment) => void;
}) {
  const { group } = props;
  const [adding, setAdding] = useState<string[]>([]);
  const add = useMutation(AccountsPageGroupAddMembersDocument);
  const remove = useMutation(AccountsPageGroupRemoveMembersDocument);
  const [removingId, setRemovingId] = useState<string | undefined>();
  const byId = new Map(props.accounts.map((account) => [account.id, account]));

  const close = () => {
    setAdding([]);
    add.reset();
    remove.reset();
    props.onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!group || adding.length === 0) return;
    const result = await add.run({ id: group.id, accountIds: adding });
    if (result) {
      setAdding([]);
      props.onChanged(result.addAccountGroupMembers);
    }
  };
  const removeMember = async (accountId: string) => {
    if (!group) return;
    setRemovingId(accountId);
    const result = await remove.run({ id: group.id, accountIds: [accountId] });
    setRemovingId(undefined);
    if (result) props.onChanged(result.removeAccountGroupMembers);
  };
  const candidates = props.accounts
    .filter((account) => account.platform === group?.platform && !group.memberIds.includes(account.id))
    .map((account) => ({ value: account.id, label: account.name }));

  return (
    <Modal opened={group !== undefined} onClose={close} title={`Members of ${group?.name ?? ''}`} size="lg">
      <Stack gap="md">
        {group && group.memberIds.length === 0 ? (
          <Text size="sm" c="dimmed">
            No members yet.{' '}
            {props.canManage
              ? `Add accounts of the ${group.platform} pool below.`
              : 'A manager can add them.'}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={420}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>State</Table.Th>
                  {props.canManage ? <Table.Th>Actions</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {group?.memberIds.map((accountId) => {
                  const account = byId.get(accountId);
                  return (
                    <Table.Tr key={accountId}>
                      <Table.Td>
                        <Anchor component={Link} to={`/accounts/${encodeURIComponent(accountId)}`}>
                          {account?.name ?? accountId}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        {account ? (account.enabled ? account.live.kind : 'disabled') : '—'}
                      </Table.Td>
                      {props.canManage ? (
                        <Table.Td>
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color="red"
                            onClick={() => void removeMember(accountId)}
                            loading={removingId === accountId}
                            disabled={remove.running}
                            aria-label={`Remove ${account?.name ?? accountId} from the group`}
                          >
                            Remove
                          </Button>
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {remove.error ? <ErrorNotice error={remove.error} title="The account was not removed" /> : null}
        {props.canManage ? (
          <form onSubmit={submit} noValidate>
            <Stack gap="sm">
              <MultiSelect
                label="Add accounts"
                description={`Accounts of the ${group?.platform ?? ''} pool that are not members yet.`}
                data={candidates}
                value={adding}
                onChange={setAdding}
                searchable
                nothingFoundMessage="No other accounts in this pool"
                error={errorAt(add.fieldErrors, 'accountIds') ?? errorAt(add.fieldErrors, 'memberIds')}
              />
              {add.error && Object.keys(add.fieldErrors).length === 0 ? (
                <ErrorNotice error={add.error} />
              ) : null}
              <Group justify="flex-end">
                <Button variant="default" onClick={close}>
                  Done
                </Button>
                <Button type="submit" loading={add.running} disabled={add.running || adding.length === 0}>
                  Add to group
                </Button>
              </Group>
            </Stack>
          </form>
        ) : null}
      </Stack>
    </Modal>
  );
}
