// Any signed-in user: how one request-log entry's outcome, model and numbers are written, in the table and
// on the entry's own page alike.
import type { RequestOutcome, RequestsPageEntryFragment } from '@clients/generated/graphql/graphql';
import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { formatCost, formatCount, formatMs } from '../../components/format';

export type Entry = RequestsPageEntryFragment;

const OUTCOME_COLORS: Record<RequestOutcome, string> = {
  ok: 'green',
  upstream_error: 'red',
  client_aborted: 'gray',
  failed_over: 'orange',
  instance_lost: 'yellow',
};

const OUTCOME_HINTS: Record<RequestOutcome, string> = {
  ok: 'Answered',
  upstream_error: 'The upstream account answered with an error',
  client_aborted: 'The client left before the answer ended; tokens billed so far',
  failed_over: 'This attempt failed and another account took the request over',
  instance_lost: 'The relay instance died mid-request; usage estimated by the reconciler',
};

export function OutcomeBadge(props: { entry: Pick<Entry, 'outcome' | 'status'> }) {
  const { outcome, status } = props.entry;
  // At least its own width: in a narrow table column a badge would otherwise cut the status short.
  return (
    <Tooltip label={OUTCOME_HINTS[outcome]}>
      <Badge color={OUTCOME_COLORS[outcome]} variant="light" data-outcome={outcome} miw="max-content">
        {status} · {outcome.replace('_', ' ')}
      </Badge>
    </Tooltip>
  );
}

/** The model asked for, and the one served when the key's mapping or the account changed it. */
export function ModelText(props: { entry: Pick<Entry, 'model' | 'upstreamModel'> }) {
  const { model, upstreamModel } = props.entry;
  return (
    <Text size="sm" span>
      {model}
      {upstreamModel && upstreamModel !== model ? (
        <Text span c="dimmed" size="sm">
          {' → '}
          {upstreamModel}
        </Text>
      ) : null}
    </Text>
  );
}

export function TokensText(props: { entry: Pick<Entry, 'inputTokens' | 'outputTokens' | 'estimated'> }) {
  const { inputTokens, outputTokens, estimated } = props.entry;
  const text = `${formatCount(inputTokens)} / ${formatCount(outputTokens)}`;
  if (!estimated) return <Text size="sm">{text}</Text>;
  return (
    <Tooltip label="Partly estimated: the stream ended before the final usage came">
      <Text size="sm">≈ {text}</Text>
    </Tooltip>
  );
}

export function CostText(props: {
  entry: Pick<Entry, 'costMicros' | 'priced' | 'inputTokens' | 'outputTokens'>;
}) {
  // A request that used no tokens costs nothing, priced or not: "unpriced" would only alarm.
  const used = props.entry.inputTokens + props.entry.outputTokens > 0;
  if (!props.entry.priced && used) {
    return (
      <Tooltip label="No price is known for this model: recorded at cost 0 (set one on the Pricing page)">
        <Text size="sm" c="orange">
          unpriced
        </Text>
      </Tooltip>
    );
  }
  return <Text size="sm">{formatCost(props.entry.costMicros)}</Text>;
}

export function LatencyText(props: { entry: Pick<Entry, 'latencyMs' | 'ttftMs'> }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm">{formatMs(props.entry.latencyMs)}</Text>
      {props.entry.ttftMs != null ? (
        <Text size="xs" c="dimmed" title="Time to first token">
          / {formatMs(props.entry.ttftMs)}
        </Text>
      ) : null}
    </Group>
  );
}
