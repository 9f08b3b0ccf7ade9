// Today's cost split by model or by account, as horizontal bars.
import { BarChart } from '@mantine/charts';
import { Paper, Text } from '@mantine/core';
import { EmptyState } from '../../components/page';

export interface SplitRow {
  name: string;
  requests: number;
  costMicros: number;
}

export function SplitChart(props: { title: string; rows: SplitRow[]; testId: string }) {
  const data = props.rows.map((row) => ({
    name: row.name,
    Requests: row.requests,
    'Cost ($)': Math.round(row.costMicros / 100) / 10_000,
  }));
  return (
    <Paper withBorder p="md" radius="md" data-testid={props.testId}>
      <Text fw={600} mb="sm">
        {props.title}
      </Text>
      {data.length === 0 ? (
        <EmptyState title="No requests today">Requests sent with relay keys show up here.</EmptyState>
      ) : (
        <BarChart
          h={Math.max(120, data.length * 36)}
          data={data}
          dataKey="name"
          orientation="vertical"
          yAxisProps={{ width: 140 }}
          series={[{ name: 'Requests', color: 'indigo.6' }]}
        />
      )}
    </Paper>
  );
}

/** Adds one request to a split, keeping the rows ordered by requests. */
export function addToSplit(rows: SplitRow[], name: string, costMicros: number): SplitRow[] {
  const found = rows.find((row) => row.name === name);
  const next = found
    ? rows.map((row) =>
        row === found ? { ...row, requests: row.requests + 1, costMicros: row.costMicros + costMicros } : row,
      )
    : [...rows, { name, requests: 1, costMicros }];
  return next.sort((a, b) => b.requests - a.requests).slice(0, 10);
}
