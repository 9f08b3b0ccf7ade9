// Role: a key's recent usage — cost, requests or tokens per hour over the last day, or per day over the last
// week — from the usage rollups.
import { KeysPageUsageDocument } from '@clients/generated/graphql/graphql';
import { BarChart } from '@mantine/charts';
import { Group, Paper, SegmentedControl, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useQuery } from '../../app/use-graphql';
import { formatCost, formatCount } from '../../components/format';
import { DataState } from '../../components/page';

type Range = 'day' | 'week';
type Metric = 'cost' | 'requests' | 'tokens';

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

const METRICS: Record<Metric, { label: string; format: (value: number) => string }> = {
  cost: { label: 'Cost', format: (dollars) => formatCost(dollars * 1_000_000) },
  requests: { label: 'Requests', format: formatCount },
  tokens: { label: 'Tokens', format: formatCount },
};

export function KeyUsageChart(props: { keyId: string }) {
  const [range, setRange] = useState<Range>('day');
  const [metric, setMetric] = useState<Metric>('cost');
  // Fixed when the range is picked: a `to` of "now" on every render would ask the server again each time.
  const variables = useMemo(() => {
    const to = new Date();
    const hours = range === 'day' ? 24 : 24 * 7;
    const from = new Date(to.getTime() - hours * 3_600_000);
    return {
      id: props.keyId,
      granularity: range === 'day' ? ('hour' as const) : ('day' as const),
      from: from.toISOString(),
      to: to.toISOString(),
    };
  }, [props.keyId, range]);
  const query = useQuery(KeysPageUsageDocument, variables);
  const series = query.data?.usageSeries;
  const label = METRICS[metric].label;
  const data = (series?.points ?? []).map((point) => {
    const start = new Date(point.start);
    const { totals } = point;
    const value =
      metric === 'cost'
        ? totals.costMicros / 1_000_000
        : metric === 'requests'
          ? totals.requests
          : totals.inputTokens + totals.outputTokens;
    return { period: (range === 'day' ? hourLabel : dayLabel).format(start), [label]: value };
  });
  const totals = series?.totals;

  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={4}>Recent usage</Title>
        <Group gap="xs">
          <SegmentedControl
            size="xs"
            aria-label="Metric"
            value={metric}
            onChange={setMetric}
            data={[
              { value: 'cost', label: 'Cost' },
              { value: 'requests', label: 'Requests' },
              { value: 'tokens', label: 'Tokens' },
            ]}
          />
          <SegmentedControl
            size="xs"
            aria-label="Period"
            value={range}
            onChange={setRange}
            data={[
              { value: 'day', label: 'Last 24 h' },
              { value: 'week', label: 'Last 7 days' },
            ]}
          />
        </Group>
      </Group>
      <DataState
        loading={query.loading}
        error={query.error}
        retry={query.reload}
        hasData={series !== undefined}
      >
        {totals ? (
          <Text size="sm" c="dimmed" mb="xs">
            {formatCount(totals.requests)} requests · {formatCount(totals.inputTokens + totals.outputTokens)}{' '}
            tokens · {formatCost(totals.costMicros)}
          </Text>
        ) : null}
        {totals && totals.requests === 0 ? (
          <Text size="sm" c="dimmed">
            No requests in this period. Usage shows here once a client calls the relay with this key.
          </Text>
        ) : (
          <BarChart
            h={220}
            data={data}
            dataKey="period"
            series={[{ name: label, color: 'indigo.6' }]}
            valueFormatter={METRICS[metric].format}
            tickLine="none"
          />
        )}
      </DataState>
    </Paper>
  );
}
