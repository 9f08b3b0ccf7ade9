// The Groups tab: account groups (named sets of one pool's accounts that keys can be bound to) and, for
// managers, creating, editing, deleting them and changing their members.
import {
  type AccountsPageGroupFragment,
  AccountsPageGroupsDocument,
  AccountsPageListDocument,
} from '@clients/generated/graphql/graphql';
import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useQuery } from '../../app/use-graphql';
import { PageButtons, useCursorPages } from '../../components/cursor-pages';
import { formatRelative, formatTime } from '../../components/format';
import { DataState, EmptyState, ErrorNotice } from '../../components/page';
import { DeleteGroupModal, GroupFormModal } from './group-form-modal';
import { GroupMembersModal } from './group-members-modal';

const PAGE_SIZE = 100;
/** Enough accounts to name every member; the server's largest page. */
const ACCOUNT_NAMES = 500;

export function GroupsPanel(props: { canManage: boolean }) {
  const { canManage } = props;
  const pages = useCursorPages(PAGE_SIZE);
  const query = useQuery(AccountsPageGroupsDocument, {
    first: PAGE_SIZE,
    after: pages.variables.after ?? null,
  });
  const accountsQuery = useQuery(AccountsPageListDocument, { first: ACCOUNT_NAMES });
  const accounts = accountsQuery.data?.accounts.nodes ?? [];
  const names = new Map(accounts.map((account) => [account.id, account.name]));
  const [groups, setGroups] = useState<AccountsPageGroupFragment[]>([]);
  const [editing, setEditing] = useState<{ group: AccountsPageGroupFragment | undefined } | undefined>();
  const [membersOf, setMembersOf] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<AccountsPageGroupFragment | undefined>();

  useEffect(() => {
    if (query.data) setGroups(query.data.accountGroups.nodes);
  }, [query.data]);

  const replace = (next: AccountsPageGroupFragment) =>
    setGroups((current) => current.map((group) => (group.id === next.id ? next : group)));
  const pageInfo = query.data?.accountGroups.pageInfo;
  const firstPage = pages.page === 1;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          A key bound to a group is served only by the group’s accounts.
        </Text>
        {canManage ? <Button onClick={() => setEditing({ group: undefined })}>New group</Button> : null}
      </Group>
      {accountsQuery.error ? (
        <ErrorNotice
          error={accountsQuery.error}
          retry={accountsQuery.reload}
          title="Account names did not load"
        />
      ) : null}
      <DataState
        loading={query.loading}
        error={query.error}
        retry={query.reload}
        hasData={query.data !== undefined}
      >
        {groups.length === 0 && firstPage ? (
          <EmptyState title="No account groups yet">
            {canManage
              ? 'Create a group with “New group” to reserve some accounts of a pool for the keys you bind to it.'
              : 'Groups reserve some accounts of a pool for the keys bound to them; a manager can create one.'}
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={800}>
            <Table striped highlightOnHover verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Group</Table.Th>
                  <Table.Th>Pool</Table.Th>
                  <Table.Th>Members</Table.Th>
                  <Table.Th>Updated</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {groups.map((group) => (
                  <Table.Tr key={group.id} data-group-id={group.id}>
                    <Table.Td>
                      <Text fw={600} size="sm">
                        {group.name}
                      </Text>
                      {group.description ? (
                        <Text size="xs" c="dimmed">
                          {group.description}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="default">{group.platform}</Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {group.memberIds.length === 0 ? (
                          <Text size="sm" c="dimmed">
                            none
                          </Text>
                        ) : (
                          group.memberIds.map((id) => (
                            <Badge key={id} variant="light" color="blue" tt="none">
                              {names.get(id) ?? id}
                            </Badge>
                          ))
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td title={formatTime(group.updatedAt)}>{formatRelative(group.updatedAt)}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant="light"
                          onClick={() => setMembersOf(group.id)}
                          aria-label={`${canManage ? 'Manage' : 'Show'} members of ${group.name}`}
                        >
                          Members
                        </Button>
                        {canManage ? (
                          <>
                            <Button
                              size="compact-sm"
                              variant="light"
                              color="gray"
                              onClick={() => setEditing({ group })}
                              aria-label={`Edit group ${group.name}`}
                            >
                              Edit
                            </Button>
                            <Button
                              size="compact-sm"
                              variant="light"
                              color="red"
                              onClick={() => setDeleting(group)}
                              aria-label={`Delete group ${group.name}`}
                            >
                              Delete
                            </Button>
                          </>
                        ) : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <PageButtons pages={pages} pageInfo={pageInfo} layout="spread" loading={query.loading} />
      </DataState>
      {canManage ? (
        <>
          <GroupFormModal
            opened={editing !== undefined}
            group={editing?.group}
            accounts={accounts}
            onClose={() => setEditing(undefined)}
            onSaved={() => void query.reload()}
          />
          <DeleteGroupModal
            group={deleting}
            onClose={() => setDeleting(undefined)}
            onDeleted={() => void query.reload()}
          />
        </>
      ) : null}
      <GroupMembersModal
        group={groups.find((group) => group.id === membersOf)}
        accounts={accounts}
        canManage={canManage}
        onClose={() => setMembersOf(undefined)}
        onChanged={replace}
      />
    </Stack>
  );
}
