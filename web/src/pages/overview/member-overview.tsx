// A member's overview: live counters and the per-minute chart over the member's own keys (one tick
// subscription per key; members may not watch the whole relay), and the keys themselves.
import { OverviewMyKeysDocument, OverviewTicksDocument } from '@clients/generated/graphql/graphql';
import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useSubscription } from '../../app/live';
import { useQuery } from '../../app/use-graphql';
import { formatCost, formatCount } from '../../components/format';
import { DataState, EmptyState, PageHeader } from '../../components/page';
import { recentRate, type Tick, useLiveUsage } from './live-usage';
import { MinuteChart } from './minute-chart';
import { StatCard } from './stat-card';

function KeyTicks(props: { keyId: string; onTick: (tick: Tick) => void }) {
  useSubscription(OverviewTicksDocument, { scope: 'key', id: props.keyId }, (event) =>
    props.onTick(event.usageTicks),
  );
  return null;
}

export function MemberOverview() {
  const keys = useQuery(OverviewMyKeysDocument, {});
  const live = useLiveUsage();
  const nodes = keys.data?.apiKeys.nodes ?? [];
  return (
    <Stack>
      <PageHeader title="My usage" description="Your keys' requests as they happen." />
      {nodes.map((key) => (
        <KeyTicks key={key.id} keyId={key.id} onTick={live.add} />
      ))}
      <SimpleGrid cols={{ base: 1, xs: 3 }}>
        <StatCard
          label="Requests / min"
          testId="stat-requests-per-minute"
          value={formatCount(recentRate(live.minutes, (b) => b.requests))}
        />
        <StatCard
          label="Tokens / min"
          testId="stat-tokens-per-minute"
          value={formatCount(recentRate(live.minutes, (b) => b.tokens))}
        />
        <StatCard
          label="Cost since opened"
          testId="stat-cost-today"
          value={formatCost(live.costSinceOpened)}
        />
      </SimpleGrid>
      <MinuteChart minutes={live.minutes} />
      <Paper withBorder p="md" radius="md">
        <Text fw={600} mb="sm">
          My keys
        </Text>
        <DataState loading={keys.loading} error={keys.error} retry={keys.reload} hasData={Boolean(keys.data)}>
          {nodes.length === 0 ? (
            <EmptyState
              title="You have no relay keys yet"
              action={
                <Button component={Link} to="/keys" size="xs">
                  Create a key
                </Button>
              }
            >
              Create a key, then point your AI client's base URL at this relay with it.
            </EmptyState>
          ) : (
            <Stack gap="xs">
              {nodes.map((key) => (
                <Group key={key.id} gap="xs">
                  <Anchor component={Link} to={`/keys/${key.id}`}>
                    {key.name}
                  </Anchor>
                  <Text size="sm" c="dimmed" ff="monospace">
                    {key.hint}
                  </Text>
                  {key.enabled ? null : <Badge color="gray">disabled</Badge>}
                </Group>
              ))}
            </Stack>
          )}
        </DataState>
      </Paper>
    </Stack>
  );
}
