// A channel's delivery log: each attempt, newest first (the last 200 are kept); a row opens its delivery.
import { NotificationDeliveriesDocument } from '@clients/generated/graphql/graphql';
import { ActionIcon, Button, Group, Table, Text, Title } from '@mantine/core';
import { Fragment, useState } from 'react';
import { useQuery } from '../../app/use-graphql';
import { Pager, useCursorPages } from '../../components/cursor-pages';
import { formatMs, formatRelative, formatTime } from '../../components/format';
import { DataState, EmptyState } from '../../components/page';
import { DeliveryDetails } from './delivery-details';
import { DeliveryStatusBadge } from './delivery-status';

const COLUMNS = 8;

export function DeliveryLog(props: { channelId: string; manage: boolean }) {
  const pages = useCursorPages(50);
  const log = useQuery(NotificationDeliveriesDocument, { channelId: props.channelId, ...pages.variables });
  const [expanded, setExpanded] = useState<string | undefined>();
  const attempts = log.data?.notificationDeliveries.nodes ?? [];
  return (
    <section aria-labelledby="delivery-log-title">
      <Group justify="space-between" mt="xl" mb="sm">
        <Title order={3} id="delivery-log-title">
          Delivery log
        </Title>
        <Button size="xs" variant="default" onClick={() => void log.reload()} loading={log.loading}>
          Refresh
        </Button>
      </Group>
      <DataState
        loading={log.loading}
        error={log.error}
        retry={() => void log.reload()}
        hasData={log.data !== undefined}
      >
        {attempts.length === 0 ? (
          <EmptyState title="Nothing delivered yet">
            {props.manage
              ? 'Send a test to check the settings, then point an alert rule at this channel on the Alerts page.'
              : 'Attempts show here once an alert rule or a test sends to this channel.'}
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="xs" aria-label="Delivery log">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th aria-label="Details" w={40} />
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Attempt</Table.Th>
                  <Table.Th>Response</Table.Th>
                  <Table.Th>Duration</Table.Th>
                  <Table.Th>Next attempt</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {attempts.map((attempt) => {
                  const open = expanded === attempt.id;
                  return (
                    <Fragment key={attempt.id}>
                      <Table.Tr data-testid="delivery-row">
                        <Table.Td>
                          <ActionIcon
                            variant="subtle"
                            aria-expanded={open}
                            aria-label={`${open ? 'Hide' : 'Show'} delivery ${attempt.deliveryId}`}
                            onClick={() => setExpanded(open ? undefined : attempt.id)}
                          >
                            {open ? '▾' : '▸'}
                          </ActionIcon>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" title={formatRelative(attempt.at)}>
                            {formatTime(attempt.at)}
                          </Text>
                        </Table.Td>
                        <Table.Td maw={320}>
                          <Text size="sm">{attempt.notification.title}</Text>
                          <Text size="xs" c="dimmed">
                            {attempt.notification.type} · {attempt.notification.severity}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <DeliveryStatusBadge status={attempt.status} />
                        </Table.Td>
                        <Table.Td>{attempt.attempt}</Table.Td>
                        <Table.Td maw={280}>
                          {attempt.httpStatus ? <Text size="sm">HTTP {attempt.httpStatus}</Text> : null}
                          {attempt.error ? (
                            <Text size="xs" c="red" style={{ wordBreak: 'break-word' }}>
                              {attempt.error}
                            </Text>
                          ) : null}
                          {!attempt.httpStatus && !attempt.error ? '—' : null}
                        </Table.Td>
                        <Table.Td>{formatMs(attempt.durationMs)}</Table.Td>
                        <Table.Td>
                          {attempt.nextAttemptAt ? formatRelative(attempt.nextAttemptAt) : '—'}
                        </Table.Td>
                      </Table.Tr>
                      {open ? (
                        <Table.Tr>
                          <Table.Td colSpan={COLUMNS} bg="var(--mantine-color-default-hover)">
                            <DeliveryDetails deliveryId={attempt.deliveryId} />
                          </Table.Td>
                        </Table.Tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Pager pages={pages} pageInfo={log.data?.notificationDeliveries.pageInfo} label="Delivery log" />
      </DataState>
    </section>
  );
}
