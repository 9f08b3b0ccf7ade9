// /accounts/:id: one account's live state (kept current by its state-change subscription), settings with an
// edit form, state history and connection tests, and for managers the actions on it.
import {
  AccountStateChangesDocument,
  AccountsPageAccountDocument,
  type AccountsPageAccountQuery,
} from '@clients/generated/graphql/graphql';
import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { createSeenSet, useSubscription } from '../../app/live';
import { can } from '../../app/permissions';
import { useRole } from '../../app/session';
import { useQuery } from '../../app/use-graphql';
import {
  applyStateEvent,
  effectiveKind,
  FamilyLimitList,
  LiveStateBadge,
  useNow,
} from '../../components/account-live-state';
import { formatRelative, formatTime } from '../../components/format';
import { DataState, ErrorNotice, PageHeader } from '../../components/page';
import { AccountActions } from './account-actions';
import { type TestResult, TestResultNotice } from './account-dialogs';
import { AccountEditForm } from './account-edit-form';
import { ConnectionTests, StateHistory } from './account-history';
import { ACCOUNT_KINDS, kindLabel } from './account-kinds';
import { stateEventKey } from './account-list';
import { AccountSettingsView } from './account-settings-view';

type Detail = AccountsPageAccountQuery['account'];

const HISTORY_LAST = 20;
const TESTS_LAST = 10;

export default function AccountPage() {
  const { id = '' } = useParams();
  const canManage = can(useRole(), 'manage');
  const query = useQuery(
    AccountsPageAccountDocument,
    { id, historyLast: HISTORY_LAST, testsLast: TESTS_LAST },
    { skip: id === '' },
  );
  const [stored, setAccount] = useState<Detail | undefined>();
  // Another account's page was open a moment ago: its data is not shown under this id.
  const account = stored?.id === id ? stored : undefined;
  const [editing, setEditing] = useState(false);
  const [tested, setTested] = useState<TestResult | undefined>();
  const [actionError, setActionError] = useState<Error | undefined>();
  const now = useNow();

  useEffect(() => {
    if (query.data) setAccount(query.data.account);
  }, [query.data]);

  const reload = useRef(query.reload);
  reload.current = query.reload;
  const seen = useMemo(() => createSeenSet(), []);
  const liveError = useSubscription(
    AccountStateChangesDocument,
    { accountId: id },
    ({ accountStateChanges: event }) => {
      if (!seen(stateEventKey(event))) return;
      if (event.dropped > 0) void reload.current();
      setAccount((current) =>
        current
          ? {
              ...current,
              live: applyStateEvent(current.live, event),
              history: [
                {
                  at: event.at,
                  from: event.from,
                  to: event.to,
                  until: event.until,
                  reason: event.reason,
                  family: event.family,
                },
                ...current.history,
              ].slice(0, HISTORY_LAST),
            }
          : current,
      );
    },
    id !== '',
  );

  /** A mutation's answer merged in; tests and resets also add history rows, so those are read again. */
  const merge = useCallback((change: Partial<Detail>) => {
    setAccount((current) => (current ? { ...current, ...change } : current));
  }, []);

  const kind = account ? ACCOUNT_KINDS[account.type] : undefined;
  const live = account ? effectiveKind(account.live, now) : undefined;
  return (
    <>
      <Anchor component={Link} to="/accounts" size="sm">
        ← All accounts
      </Anchor>
      <PageHeader
        title={account?.name ?? 'Account'}
        description={account && kind ? `${kindLabel(account.type)} · ${account.platform} pool` : undefined}
        actions={
          canManage && account ? (
            <AccountActions
              account={account}
              editing={editing}
              onEdit={() => setEditing(true)}
              onTested={(result) => {
                setTested(result);
                void reload.current();
              }}
              onLive={(live) => {
                merge({ live });
                void reload.current();
              }}
              onChanged={merge}
              onError={setActionError}
            />
          ) : null
        }
      />
      <DataState
        loading={query.loading}
        error={query.error}
        retry={query.reload}
        hasData={account !== undefined}
      >
        {account ? (
          <Stack gap="lg">
            {tested ? (
              <TestResultNotice name={account.name} result={tested} onClose={() => setTested(undefined)} />
            ) : null}
            {actionError ? <ErrorNotice error={actionError} title="The action failed" /> : null}
            <Paper withBorder p="md">
              <Title order={4} mb="sm">
                Live state
              </Title>
              {liveError ? (
                <Text size="sm" c="dimmed" mb="xs">
                  Live updates stopped ({liveError.message}); reload the page to resume them.
                </Text>
              ) : null}
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                <Stack gap={6}>
                  <LiveStateBadge live={account.live} enabled={account.enabled} now={now} />
                  {/* A disabled account's scheduler state waits for it to be enabled; its reason is the one below. */}
                  {account.enabled && live !== 'active' && account.live.reason ? (
                    <Text size="sm">Reason: {account.live.reason}</Text>
                  ) : null}
                  {account.enabled && live !== 'active' && account.live.until ? (
                    <Text size="sm">
                      Until {formatTime(account.live.until)} ({formatRelative(account.live.until, now)})
                    </Text>
                  ) : null}
                  <Group gap={6}>
                    <Badge color={account.enabled ? 'green' : 'gray'} variant="dot">
                      {account.enabled ? 'enabled' : 'disabled'}
                    </Badge>
                    <Badge color={account.schedulable ? 'green' : 'gray'} variant="dot">
                      {account.schedulable ? 'schedulable' : 'not schedulable'}
                    </Badge>
                  </Group>
                  {!account.enabled && account.disabledReason ? (
                    <Text size="sm">Disabled because: {account.disabledReason}</Text>
                  ) : null}
                </Stack>
                <Stack gap={4}>
                  <Text size="sm" fw={600}>
                    Model family rate limits
                  </Text>
                  <FamilyLimitList live={account.live} now={now} />
                </Stack>
              </SimpleGrid>
            </Paper>
            <Paper withBorder p="md">
              <Group justify="space-between" mb="sm">
                <Title order={4}>Settings</Title>
                {canManage && !editing ? (
                  <Button size="xs" variant="subtle" onClick={() => setEditing(true)}>
                    Edit
                  </Button>
                ) : null}
              </Group>
              {editing ? (
                <AccountEditForm
                  account={account}
                  onCancel={() => setEditing(false)}
                  onSaved={(saved) => {
                    merge(saved);
                    setEditing(false);
                  }}
                />
              ) : (
                <AccountSettingsView account={account} />
              )}
            </Paper>
            <Paper withBorder p="md">
              <StateHistory history={account.history} />
            </Paper>
            <Paper withBorder p="md">
              <ConnectionTests tests={account.connectionTests} canManage={canManage} />
            </Paper>
          </Stack>
        ) : null}
      </DataState>
    </>
  );
}
