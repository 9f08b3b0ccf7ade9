// How a delivery's status reads everywhere: a coloured badge, and the latest attempt of a channel.
import { ChannelsPageLastDeliveryDocument } from '@clients/generated/graphql/graphql';
import { Badge, Loader, Stack, Text } from '@mantine/core';
import { useQuery } from '../../app/use-graphql';
import { formatRelative, formatTime } from '../../components/format';

const STATUS_COLORS: Record<string, string> = {
  delivered: 'green',
  failed: 'red',
  retrying: 'yellow',
  queued: 'gray',
  sending: 'blue',
};

export function DeliveryStatusBadge({ status }: { status: string }) {
  return (
    <Badge miw="max-content" color={STATUS_COLORS[status] ?? 'gray'} variant="light">
      {status}
    </Badge>
  );
}

/** The channel's latest delivery attempt (the log is newest first), or that it has none yet. */
export function LastDelivery({ channelId }: { channelId: string }) {
  const last = useQuery(ChannelsPageLastDeliveryDocument, { channelId });
  if (last.error) {
    return (
      <Text size="xs" c="red">
        Unknown: {last.error.message}
      </Text>
    );
  }
  if (!last.data) return <Loader size="xs" aria-label="Loading the last delivery" />;
  const attempt = last.data.notificationDeliveries.nodes[0];
  if (!attempt) {
    return (
      <Text size="sm" c="dimmed">
        Never sent
      </Text>
    );
  }
  const result = attempt.httpStatus ? `HTTP ${attempt.httpStatus}` : attempt.error;
  return (
    <Stack gap={0} align="flex-start">
      <DeliveryStatusBadge status={attempt.status} />
      <Text size="xs" c="dimmed" title={formatTime(attempt.at)}>
        {formatRelative(attempt.at)}
        {result ? ` · ${result}` : ''}
      </Text>
    </Stack>
  );
}
