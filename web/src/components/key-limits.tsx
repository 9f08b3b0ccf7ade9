// A key's use of each of its limits now (spend per period with what running requests hold, requests in
// flight, the rate window, the activation clock) as bars with when each resets: the key page and the
// key-holder page.
import type { CostLimitName, KeyLimitUsageFragment } from '@clients/generated/graphql/graphql';
import { Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { formatCost, formatCount, formatRelative, formatSeconds, formatTime } from './format';

type Usage = KeyLimitUsageFragment;

const COST_NAMES: Record<CostLimitName, string> = {
  daily: 'Daily cost',
  weekly: 'Weekly cost',
  monthly: 'Monthly cost',
  total: 'Total cost',
  weekly_opus: 'Weekly opus cost',
  weekly_sonnet: 'Weekly sonnet cost',
  weekly_haiku: 'Weekly haiku cost',
};

const percent = (used: number, limit: number) => (limit > 0 ? Math.min(100, (used / limit) * 100) : 100);
const colorOf = (share: number) => (share >= 90 ? 'red' : share >= 70 ? 'orange' : 'indigo');

function Meter(props: {
  label: string;
  used: number;
  /** In flight or reserved: counted against the limit until it settles. */
  held?: number;
  limit: number;
  format: (value: number) => string;
  resets: string;
}) {
  const usedShare = percent(props.used, props.limit);
  const heldShare = Math.min(100 - usedShare, percent(props.held ?? 0, props.limit));
  const held = props.held ? ` (+${props.format(props.held)} reserved)` : '';
  return (
    <Stack gap={4} data-testid={`limit-${props.label.toLowerCase().replace(/\W+/g, '-')}`}>
      <Text size="sm" fw={500}>
        {props.label}
      </Text>
      <Progress.Root size="lg" aria-label={props.label}>
        <Progress.Section value={usedShare} color={colorOf(usedShare + heldShare)} />
        {heldShare > 0 ? <Progress.Section value={heldShare} color="gray" striped /> : null}
      </Progress.Root>
      <Text size="xs" c="dimmed">
        {props.format(props.used)}
        {held} of {props.format(props.limit)} · {props.resets}
      </Text>
    </Stack>
  );
}

const resetsText = (at: string | null | undefined) => (at ? `resets ${formatRelative(at)}` : 'never resets');

function meters(usage: Usage) {
  const items: Array<Parameters<typeof Meter>[0]> = [];
  for (const cost of usage.costs) {
    if (cost.limitMicros == null) continue;
    items.push({
      label: COST_NAMES[cost.name],
      used: cost.spentMicros,
      held: cost.reservedMicros,
      limit: cost.limitMicros,
      format: formatCost,
      resets: resetsText(cost.resetsAt),
    });
  }
  if (usage.concurrency.limit != null) {
    items.push({
      label: 'Requests in flight',
      used: usage.concurrency.inFlight,
      limit: usage.concurrency.limit,
      format: formatCount,
      resets: 'frees as requests finish',
    });
  }
  const window = usage.window;
  if (window) {
    const per = `per ${formatSeconds(window.seconds)} (${window.mode})`;
    const resets = resetsText(window.resetsAt);
    const { limits } = window;
    if (limits.requests != null) {
      const limit = limits.requests;
      items.push({ label: `Requests ${per}`, used: window.requests, limit, format: formatCount, resets });
    }
    if (limits.tokens != null) {
      const limit = limits.tokens;
      items.push({ label: `Tokens ${per}`, used: window.tokens, limit, format: formatCount, resets });
    }
    if (limits.costMicros != null) {
      const limit = limits.costMicros;
      items.push({ label: `Cost ${per}`, used: window.costMicros, limit, format: formatCost, resets });
    }
  }
  return items;
}

function Activation(props: { activation: NonNullable<Usage['activation']> }) {
  const { activatedAt, expiresAt } = props.activation;
  if (!activatedAt) {
    return <Text size="sm">Not used yet: its active period starts with the first request it serves.</Text>;
  }
  return (
    <Text size="sm">
      First used {formatTime(activatedAt)};{' '}
      {expiresAt ? `expires ${formatRelative(expiresAt)}` : 'no end set'}
      {expiresAt ? ` (${formatTime(expiresAt)})` : ''}.
    </Text>
  );
}

/** `noLimits` says what to do when the key has none (who may set them). */
export function KeyLimitsView(props: { usage: Usage; noLimits: string }) {
  const { usage } = props;
  const items = meters(usage);
  const unlimited = usage.costs.filter((cost) => cost.limitMicros == null && cost.spentMicros > 0);
  return (
    <Stack gap="md">
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          This key has no limits. {props.noLimits}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          {items.map((item) => (
            <Meter key={item.label} {...item} />
          ))}
        </SimpleGrid>
      )}
      {unlimited.length ? (
        <Text size="xs" c="dimmed">
          Without a limit:{' '}
          {unlimited.map((cost) => `${COST_NAMES[cost.name]} ${formatCost(cost.spentMicros)}`).join(' · ')}
        </Text>
      ) : null}
      {usage.activation ? <Activation activation={usage.activation} /> : null}
      <Text size="xs" c="dimmed">
        Days, weeks and months count in {usage.timeZone}. As of {formatTime(usage.at)}.
      </Text>
    </Stack>
  );
}
