// One delivery as the queue holds it (status, attempts so far, last result), opened from a delivery log row.
import { ChannelsPageDeliveryDocument } from '@clients/generated/graphql/graphql';
import { Loader, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useQuery } from '../../app/use-graphql';
import { formatTime } from '../../components/format';
import { ErrorNotice } from '../../components/page';
import { DeliveryStatusBadge } from './delivery-status';

export function DeliveryDetails({ deliveryId }: { deliveryId: string }) {
  const details = useQuery(ChannelsPageDeliveryDocument, { id: deliveryId });
  if (details.error) return <ErrorNotice error={details.error} retry={() => void details.reload()} />;
  if (!details.data) return <Loader size="xs" aria-label="Loading the delivery" />;
  const delivery = details.data.notificationDelivery;
  if (!delivery) {
    return (
      <Text size="sm" c="dimmed">
        This delivery has expired: deliveries are kept for a week after they were queued. The attempt above is
        all that is left.
      </Text>
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm" data-testid="delivery-details">
      <Field label="Delivery">
        <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
          {delivery.id}
        </Text>
      </Field>
      <Field label="Status now">
        <DeliveryStatusBadge status={delivery.status} />
      </Field>
      <Field label="Attempts so far">{delivery.attempts}</Field>
      <Field label="Last result">{delivery.lastResult ?? '—'}</Field>
      <Field label="Notification">
        {delivery.notification.title} ({delivery.notification.type})
      </Field>
      <Field label="Sent as">{delivery.kind}</Field>
      <Field label="Queued">{formatTime(delivery.createdAt)}</Field>
      <Field label="Updated">{formatTime(delivery.updatedAt)}</Field>
      {delivery.nextAttemptAt ? (
        <Field label={delivery.status === 'sending' ? 'Attempt deadline' : 'Next attempt'}>
          {formatTime(delivery.nextAttemptAt)}
        </Field>
      ) : null}
    </SimpleGrid>
  );
}

function Field(props: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {props.label}
      </Text>
      {typeof props.children === 'string' || typeof props.children === 'number' ? (
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          {props.children}
        </Text>
      ) : (
        props.children
      )}
    </Stack>
  );
}
