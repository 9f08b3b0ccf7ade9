// One headline number of the overview, with what it counts underneath.
import { Paper, Text } from '@mantine/core';

export function StatCard(props: { label: string; value: string; hint?: string; testId: string }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {props.label}
      </Text>
      <Text fz={28} fw={700} data-testid={props.testId} aria-live="polite">
        {props.value}
      </Text>
      {props.hint ? (
        <Text size="xs" c="dimmed" data-testid={`${props.testId}-hint`}>
          {props.hint}
        </Text>
      ) : null}
    </Paper>
  );
}
