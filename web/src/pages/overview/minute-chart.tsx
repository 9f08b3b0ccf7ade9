// Requests and errors per minute over the last half hour, drawn from the live ticks.
import { AreaChart } from '@mantine/charts';
import { Paper, Text } from '@mantine/core';
import type { MinuteBucket } from './live-usage';

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function MinuteChart(props: { minutes: MinuteBucket[] }) {
  const data = props.minutes.map((bucket) => ({
    minute: clock.format(bucket.minute),
    Requests: bucket.requests,
    Errors: bucket.errors,
  }));
  return (
    <Paper withBorder p="md" radius="md">
      <Text fw={600} mb="sm">
        Requests per minute (live)
      </Text>
      <AreaChart
        h={220}
        data={data}
        dataKey="minute"
        series={[
          { name: 'Requests', color: 'indigo.6' },
          { name: 'Errors', color: 'red.6' },
        ]}
        curveType="monotone"
        withDots={false}
        tickLine="none"
      />
    </Paper>
  );
}
