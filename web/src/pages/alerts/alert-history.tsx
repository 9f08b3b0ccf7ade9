// The alert history: each time a rule started or stopped firing for a subject, newest first, page by page.
import { AlertHistoryDocument } from '@clients/generated/graphql/graphql';
import { Badge, Table, Text, Title } from '@mantine/core';
import { useQuery } from '../../app/use-graphql';
import { Pager, useCursorPages } from '../../components/cursor-pages';
import { formatRelative, formatTime } from '../../components/format';
import { DataState, EmptyState } from '../../components/page';
import { SEVERITY_COLORS } from './alert-rules-table';

export function AlertHistory() {
  const pages = useCursorPages(25);
  const history = useQuery(AlertHistoryDocument, pages.variables);
  const events = history.data?.alertHistory.nodes ?? [];
  return (
    <section aria-labelledby="alert-history-title">
      <Title order={3} id="alert-history-title" mt="xl" mb="sm">
        Alert history
      </Title>
      <DataState
        loading={history.loading}
        error={history.error}
        retry={() => void history.reload()}
        hasData={history.data !== undefined}
      >
        {events.length === 0 ? (
          <EmptyState title="Nothing has fired yet">
            When an enabled rule starts or stops firing, the event shows here with the values behind it (the
            last 1000 are kept).
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped verticalSpacing="xs" aria-label="Alert history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Rule</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th>Severity</Table.Th>
                  <Table.Th>Message</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {events.map((event) => (
                  <Table.Tr key={event.id} data-testid="alert-event-row">
                    <Table.Td>
                      <Text size="sm" title={formatTime(event.at)}>
                        {formatRelative(event.at)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge
                        miw="max-content"
                        color={event.state === 'firing' ? 'red' : 'green'}
                        variant="light"
                      >
                        {event.state === 'firing' ? 'Fired' : 'Resolved'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{event.ruleName}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {event.subject}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge miw="max-content" color={SEVERITY_COLORS[event.severity]} variant="light">
                        {event.severity}
                      </Badge>
                    </Table.Td>
                    <Table.Td maw={420}>
                      <Text size="sm" fw={500}>
                        {event.title}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {event.text}
                      </Text>
                      {event.facts.length > 0 ? (
                        <Text size="xs" c="dimmed">
                          {event.facts.map((fact) => `${fact.name}: ${fact.value}`).join(' · ')}
                        </Text>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Pager pages={pages} pageInfo={history.data?.alertHistory.pageInfo} label="Alert history" />
      </DataState>
    </section>
  );
}
