// A key's spend against each of its limits, with when each resets: the key page and the key-holder page.
import type { KeyLimitUsageFragment } from '@clients/generated/graphql/graphql';
import { Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { formatCost, formatCount, formatRelative, formatTime } from './format';

const COST_LABELS: Record<string, string> = {
  daily: 'Daily cost',
  weekly: 'Weekly cost',
  monthly: 'Monthly cost',
  total: 'Total cost',
  weekly_opus: 'Weekly Opus cost',
  weekly_sonnet: 'Weekly Sonnet cost',
  weekly_haiku: 'Weekly Haiku cost',
};

function LimitBar(props: {
  label: string;
  used: number;
  limit: number | null | undefined;
  text: string;
  resets?: string | null;
}) {
  const percent = props.limit ? Math.min(100, (props.used / props.limit) * 100) : 0;
  return (
    <Stack gap={4} data-testid={`limit-${props.label.toLowerCase().replace(/\W+/g, '-')}`}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={500}>
          {props.label}
        </Text>
        <Text size="sm">{props.text}</Text>
      </Group>
      {props.limit ? (
        <Progress
          value={percent}
          color={percent >= 90 ? 'red' : percent >= 70 ? 'orange' : 'indigo'}
          aria-label={props.label}
        />
      ) : null}
      {props.resets ? (
        <Text size="xs" c="dimmed" title={formatTime(props.resets)}>
          resets {formatRelative(props.resets)}
        </Text>
      ) : null}
    </Stack>
  );
}

export function KeyLimits(props: { usage: KeyLimitUsageFragment }) {
  const { usage } = props;
  const window = usage.window;
  return (
    <Paper withBorder p="md" radius="md">
      <Stack>
        {usage.costs.map((cost) => (
          <LimitBar
            key={cost.name}
            label={COST_LABELS[cost.name] ?? cost.name}
            used={cost.spentMicros + cost.reservedMicros}
            limit={cost.limitMicros}
            text={
              cost.limitMicros == null
                ? `${formatCost(cost.spentMicros)} (no limit)`
                : `${formatCost(cost.spentMicros)} of ${formatCost(cost.limitMicros)}`
            }
            resets={cost.resetsAt}
          />
        ))}
        <LimitBar
          label="Concurrent requests"
          used={usage.concurrency.inFlight}
          limit={usage.concurrency.limit}
          text={
            usage.concurrency.limit == null
              ? `${usage.concurrency.inFlight} (no limit)`
              : `${usage.concurrency.inFlight} of ${usage.concurrency.limit}`
          }
        />
        {window ? (
          <LimitBar
            label={`Rate window (${Math.round(window.seconds / 60)} min)`}
            used={window.requests}
            limit={window.limits.requests}
            text={`${formatCount(window.requests)} requests, ${formatCount(window.tokens)} tokens, ${formatCost(window.costMicros)}`}
            resets={window.resetsAt}
          />
        ) : null}
        {usage.activation?.expiresAt ? (
          <Text size="sm">
            Expires {formatRelative(usage.activation.expiresAt)} ({formatTime(usage.activation.expiresAt)})
          </Text>
        ) : null}
        <Text size="xs" c="dimmed">
          Limits reset in the {usage.timeZone} time zone.
        </Text>
      </Stack>
    </Paper>
  );
}
