// The relay at a glance for readers: live counters and per-minute chart from the global usage ticks, today's
// split by model and account (moved by the request log tail), and every account's state (moved by state
// change events). Nothing here reloads: the snapshot is read once, then events keep it current.
import {
  AccountStateChangesDocument,
  OverviewAccountsDocument,
  type OverviewAccountsQuery,
  OverviewRequestsDocument,
  OverviewSnapshotDocument,
  OverviewTicksDocument,
} from '@clients/generated/graphql/graphql';
import { Anchor, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { createSeenSet, useSubscription } from '../../app/live';
import { useQuery } from '../../app/use-graphql';
import { applyStateEvent, LiveStateBadge, useNow } from '../../components/account-live-state';
import { formatCost, formatCount } from '../../components/format';
import { DataState, EmptyState, PageHeader } from '../../components/page';
import { errorRate, recentRate, useLiveUsage } from './live-usage';
import { MinuteChart } from './minute-chart';
import { addToSplit, SplitChart, type SplitRow } from './split-chart';
import { StatCard } from './stat-card';

type AccountRow = OverviewAccountsQuery['accounts']['nodes'][number];

function startOfToday(): Date {
  const date = new Date();
  date.setHours(0, 0, 0, 0);
  return date;
}

export function ReaderOverview() {
  // Read once per page visit: the live events carry it forward from here.
  const [range] = useState(() => ({ from: startOfToday().toISOString(), to: new Date().toISOString() }));
  const snapshot = useQuery(OverviewSnapshotDocument, range);
  // As many as the Accounts page shows on one page.
  const accountList = useQuery(OverviewAccountsDocument, { first: 50 });
  const live = useLiveUsage();
  useSubscription(OverviewTicksDocument, { scope: 'global' }, (event) => live.add(event.usageTicks));

  const [models, setModels] = useState<SplitRow[]>([]);
  const [accountsSplit, setAccountsSplit] = useState<SplitRow[]>([]);
  const [accounts, setAccounts] = useState<AccountRow[]>([]);
  const seenRequests = useRef(createSeenSet());
  useEffect(() => {
    const data = snapshot.data;
    if (!data) return;
    setModels(
      data.models.map((row) => ({ name: row.entity, requests: row.requests, costMicros: row.costMicros })),
    );
    setAccountsSplit(
      data.accountsTop.map((row) => ({
        name: row.entity,
        requests: row.requests,
        costMicros: row.costMicros,
      })),
    );
  }, [snapshot.data]);
  useEffect(() => {
    if (accountList.data) setAccounts(accountList.data.accounts.nodes);
  }, [accountList.data]);

  useSubscription(OverviewRequestsDocument, {}, ({ requestLogTail: { entry } }) => {
    if (!seenRequests.current(entry.requestId)) return;
    setModels((rows) => addToSplit(rows, entry.model, entry.costMicros));
    if (entry.accountId) {
      const accountId = entry.accountId;
      setAccountsSplit((rows) => addToSplit(rows, accountId, entry.costMicros));
    }
  });
  useSubscription(AccountStateChangesDocument, {}, ({ accountStateChanges: change }) => {
    setAccounts((rows) =>
      rows.map((row) =>
        row.id === change.accountId ? { ...row, live: applyStateEvent(row.live, change) } : row,
      ),
    );
  });

  const names = useMemo(() => new Map(accounts.map((account) => [account.id, account.name])), [accounts]);
  const todayCost = (snapshot.data?.usageSeries.totals.costMicros ?? 0) + live.costSinceOpened;
  const todayRequests = (snapshot.data?.usageSeries.totals.requests ?? 0) + live.requestsSinceOpened;
  const rate = errorRate(live.minutes);

  return (
    <Stack>
      <PageHeader
        title="Overview"
        description="Live across every instance; counters move as requests settle."
      />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <StatCard
          label="Requests / min"
          testId="stat-requests-per-minute"
          value={formatCount(recentRate(live.minutes, (b) => b.requests))}
          hint={`${formatCount(todayRequests)} today`}
        />
        <StatCard
          label="Tokens / min"
          testId="stat-tokens-per-minute"
          value={formatCount(recentRate(live.minutes, (b) => b.tokens))}
          hint="input and output"
        />
        <StatCard
          label="Cost today"
          testId="stat-cost-today"
          value={formatCost(todayCost)}
          hint="since local midnight"
        />
        <StatCard
          label="Error rate"
          testId="stat-error-rate"
          value={rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`}
          hint="last 5 minutes"
        />
      </SimpleGrid>
      <MinuteChart minutes={live.minutes} />
      <DataState
        loading={snapshot.loading}
        error={snapshot.error}
        retry={snapshot.reload}
        hasData={Boolean(snapshot.data)}
      >
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <SplitChart title="Today by model" rows={models} testId="split-models" />
          <SplitChart
            title="Today by account"
            rows={accountsSplit.map((row) => ({ ...row, name: names.get(row.name) ?? row.name }))}
            testId="split-accounts"
          />
        </SimpleGrid>
      </DataState>
      <DataState
        loading={accountList.loading}
        error={accountList.error}
        retry={accountList.reload}
        hasData={Boolean(accountList.data)}
      >
        <AccountStates accounts={accounts} />
      </DataState>
    </Stack>
  );
}

function AccountStates(props: { accounts: AccountRow[] }) {
  const now = useNow();
  return (
    <Paper withBorder p="md" radius="md">
      <Text fw={600} mb="sm">
        Accounts
      </Text>
      {props.accounts.length === 0 ? (
        <EmptyState
          title="No upstream accounts yet"
          action={
            <Anchor component={Link} to="/accounts">
              Add the first account
            </Anchor>
          }
        >
          The relay needs at least one upstream account to serve requests.
        </EmptyState>
      ) : (
        <Group gap="xs" data-testid="account-states">
          {props.accounts.map((account) => (
            <Group key={account.id} gap={4} wrap="nowrap">
              <Anchor component={Link} to={`/accounts/${account.id}`} size="sm">
                {account.name}
              </Anchor>
              <LiveStateBadge live={account.live} enabled={account.enabled} now={now} />
            </Group>
          ))}
        </Group>
      )}
    </Paper>
  );
}
