// Readers: this instance, Redis, what is configured, the rollup lag, the settle queue and unpriced usage.
import type { SystemPageStatusQuery } from '@clients/generated/graphql/graphql';
import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatCount, formatMs, formatRelative, formatTime } from '../../components/format';

type Status = SystemPageStatusQuery['systemStatus'];
type Server = SystemPageStatusQuery['serverInfo'];

/** Rollups this far behind make the usage charts visibly stale. */
const LAG_WARNING_MS = 60_000;

function Card(props: { title: string; children: ReactNode; tone?: 'warning' | 'danger' }) {
  const border =
    props.tone === 'danger'
      ? 'var(--mantine-color-red-filled)'
      : props.tone === 'warning'
        ? 'var(--mantine-color-orange-filled)'
        : undefined;
  return (
    <Paper withBorder p="md" radius="md" style={border ? { borderColor: border } : undefined}>
      <Title order={4} mb="xs">
        {props.title}
      </Title>
      <Stack gap={4}>{props.children}</Stack>
    </Paper>
  );
}

function Line(props: { label: string; children: ReactNode; color?: string }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Text size="sm" c="dimmed">
        {props.label}
      </Text>
      <Text size="sm" c={props.color} ta="right">
        {props.children}
      </Text>
    </Group>
  );
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function StatusCards(props: { status: Status; server: Server; now: number }) {
  const { status, server } = props;
  const lagging = status.rollupLagMs > LAG_WARNING_MS;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
      <Card title="This instance">
        <Line label="Server">
          {server.name} {server.version}
        </Line>
        <Line label="Version">{status.version}</Line>
        <Line label="Started">
          <span title={formatTime(status.startedAt)}>{formatRelative(status.startedAt, props.now)}</span>
        </Line>
      </Card>
      <Card title="Redis">
        <Line label="Version">{status.redis.version}</Line>
        <Line label="Ping">{`${status.redis.pingMs.toFixed(1)} ms`}</Line>
        <Line label="Memory used">{formatBytes(status.redis.usedMemoryBytes)}</Line>
      </Card>
      <Card title="Configured">
        <Line label="Users">{formatCount(status.counts.users)}</Line>
        <Line label="API keys">{formatCount(status.counts.apiKeys)}</Line>
        <Line label="Accounts">{formatCount(status.counts.accounts)}</Line>
        <Line label="Account groups">{formatCount(status.counts.accountGroups)}</Line>
        <Line label="Ledger entries">{formatCount(status.counts.ledgerEntries)}</Line>
      </Card>
      <Card title="Usage rollups" tone={lagging ? 'warning' : undefined}>
        <Line label="Behind the ledger" color={lagging ? 'orange' : undefined}>
          {status.rollupLagMs === 0 ? 'caught up' : formatMs(status.rollupLagMs)}
        </Line>
        <Text size="xs" c="dimmed">
          Usage charts and totals trail the request log by this much.
        </Text>
      </Card>
      <Card title="Settle queue" tone={status.settles.dropped > 0 ? 'danger' : undefined}>
        <Line label="Waiting for Redis">{formatCount(status.settles.queued)}</Line>
        <Line label="Dropped (queue full)" color={status.settles.dropped > 0 ? 'red' : undefined}>
          {formatCount(status.settles.dropped)}
        </Line>
        <Text size="xs" c="dimmed">
          Usage this instance could not yet write; dropped settles are lost from usage and billing.
        </Text>
      </Card>
      <Card title="Unpriced usage" tone={status.unpriced.requests > 0 ? 'warning' : undefined}>
        <Line label="Requests at cost 0">{formatCount(status.unpriced.requests)}</Line>
        {status.unpriced.models.length > 0 ? (
          <>
            <Group gap={4}>
              {status.unpriced.models.map((model) => (
                <Badge key={model} variant="outline" color="orange" tt="none">
                  {model}
                </Badge>
              ))}
            </Group>
            <Anchor component={Link} to="/pricing" size="sm">
              Set their prices on the Pricing page
            </Anchor>
          </>
        ) : (
          <Text size="xs" c="dimmed">
            Every model relayed has a known price.
          </Text>
        )}
      </Card>
    </SimpleGrid>
  );
}
