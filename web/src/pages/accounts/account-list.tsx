// The accounts table: a page of the pool with settings and live state, kept current by the state-change
// subscription, and for managers the row actions (test, reset, enable/disable).
import {
  AccountStateChangesDocument,
  AccountsPageListDocument,
  type AccountsPageRowFragment,
} from '@clients/generated/graphql/graphql';
import { Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { createSeenSet, useSubscription } from '../../app/live';
import { useQuery } from '../../app/use-graphql';
import {
  applyStateEvent,
  LiveStateBadge,
  type StateEvent,
  useNow,
} from '../../components/account-live-state';
import { PageButtons, useCursorPages } from '../../components/cursor-pages';
import { formatCount } from '../../components/format';
import { DataState, EmptyState, ErrorNotice } from '../../components/page';
import { type TestResult, TestResultNotice } from './account-dialogs';
import { kindLabel } from './account-kinds';
import { AccountRowActions } from './account-row-actions';

const PAGE_SIZE = 50;

export function stateEventKey(event: StateEvent): string {
  return `${event.accountId}|${event.at}|${event.to}|${event.family ?? ''}`;
}

export function AccountList(props: {
  canManage: boolean;
  onAdd: () => void;
  /** Bumped when an account was added elsewhere: the first page is read again. */
  version: number;
}) {
  const pages = useCursorPages(PAGE_SIZE);
  const query = useQuery(AccountsPageListDocument, {
    first: PAGE_SIZE,
    after: pages.variables.after ?? null,
  });
  const [rows, setRows] = useState<AccountsPageRowFragment[]>([]);
  const [tested, setTested] = useState<{ name: string; result: TestResult } | undefined>();
  const [actionError, setActionError] = useState<Error | undefined>();
  const now = useNow();

  useEffect(() => {
    if (query.data) setRows(query.data.accounts.nodes);
  }, [query.data]);

  const reload = useRef(query.reload);
  reload.current = query.reload;
  const firstVersion = useRef(props.version);
  useEffect(() => {
    if (props.version === firstVersion.current) return;
    // A new account is the newest, so it is on the first page.
    pages.reset();
    void reload.current();
  }, [props.version, pages.reset]);

  const seen = useMemo(() => createSeenSet(), []);
  const liveError = useSubscription(AccountStateChangesDocument, {}, ({ accountStateChanges: event }) => {
    if (!seen(stateEventKey(event))) return;
    // Events were lost while this tab read too slowly: the page is read again rather than guessed.
    if (event.dropped > 0) void reload.current();
    setRows((current) =>
      current.map((row) =>
        row.id === event.accountId ? { ...row, live: applyStateEvent(row.live, event) } : row,
      ),
    );
  });

  const replaceRow = (next: Partial<AccountsPageRowFragment> & { id: string }) =>
    setRows((current) => current.map((row) => (row.id === next.id ? { ...row, ...next } : row)));

  const pageInfo = query.data?.accounts.pageInfo;
  const firstPage = pages.page === 1;

  return (
    <DataState
      loading={query.loading}
      error={query.error}
      retry={query.reload}
      hasData={query.data !== undefined}
    >
      {liveError ? (
        <Text size="sm" c="dimmed" mb="xs">
          Live state updates stopped ({liveError.message}); reload the page to resume them.
        </Text>
      ) : null}
      {tested ? (
        <TestResultNotice name={tested.name} result={tested.result} onClose={() => setTested(undefined)} />
      ) : null}
      {actionError ? <ErrorNotice error={actionError} title="The action failed" /> : null}
      {rows.length === 0 && firstPage ? (
        <EmptyState
          title="No accounts yet"
          action={
            props.canManage ? (
              <Button onClick={props.onAdd}>Add the first account</Button>
            ) : (
              <Text size="sm">Ask an admin or operator to add one.</Text>
            )
          }
        >
          Accounts are the upstream credentials requests are relayed through. Add one with “Add account”: sign
          in with a Claude, ChatGPT or Google subscription, or enter an API key (Anthropic, OpenAI, Azure,
          Gemini, Bedrock, Factory or a compatible endpoint).
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={props.canManage ? 1100 : 900}>
          <Table striped highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Priority</Table.Th>
                <Table.Th>Weight</Table.Th>
                <Table.Th>Concurrency</Table.Th>
                <Table.Th>Scheduling</Table.Th>
                <Table.Th>Live state</Table.Th>
                {props.canManage ? <Table.Th>Actions</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.id} data-account-id={row.id}>
                  <Table.Td>
                    <Stack gap={0}>
                      <Anchor component={Link} to={`/accounts/${encodeURIComponent(row.id)}`} fw={600}>
                        {row.name}
                      </Anchor>
                      {row.description ? (
                        <Text size="xs" c="dimmed" lineClamp={1}>
                          {row.description}
                        </Text>
                      ) : null}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2} align="flex-start">
                      <Text size="sm">{kindLabel(row.type)}</Text>
                      <Badge variant="default" size="xs">
                        {row.platform}
                      </Badge>
                    </Stack>
                  </Table.Td>
                  <Table.Td>{row.priority}</Table.Td>
                  <Table.Td>{row.weight}</Table.Td>
                  <Table.Td>
                    {row.maxConcurrency === 0 ? 'no limit' : formatCount(row.maxConcurrency)}
                  </Table.Td>
                  <Table.Td miw={150}>
                    <Group gap={4}>
                      <Badge color={row.enabled ? 'green' : 'gray'} variant="dot">
                        {row.enabled ? 'enabled' : 'disabled'}
                      </Badge>
                      {row.schedulable ? null : (
                        <Badge color="gray" variant="dot">
                          not schedulable
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <LiveStateBadge live={row.live} enabled={row.enabled} now={now} detailed />
                  </Table.Td>
                  {props.canManage ? (
                    <Table.Td>
                      <AccountRowActions
                        account={row}
                        onChanged={replaceRow}
                        onTested={(result) => setTested({ name: row.name, result })}
                        onError={setActionError}
                      />
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <PageButtons pages={pages} pageInfo={pageInfo} layout="spread" loading={query.loading} showPage />
    </DataState>
  );
}
