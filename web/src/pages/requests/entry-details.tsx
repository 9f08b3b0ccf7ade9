// Any signed-in user: every field of one request-log entry, grouped, and the attempts that failed over
// before it (readers also see the accounts; members' entries come without them).
import { Anchor, Badge, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatCost, formatCount, formatMs, formatTime } from '../../components/format';
import { CostText, type Entry, LatencyText, ModelText, OutcomeBadge } from './entry-parts';
import { requestPath } from './request-table';

interface Field {
  label: string;
  value: ReactNode;
}

function Section(props: { title: string; fields: readonly (Field | false)[] }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={4} mb="sm">
        {props.title}
      </Title>
      <Stack gap={6} component="dl" m={0}>
        {props.fields.map((field) =>
          field ? (
            <div key={field.label}>
              <Text component="dt" size="xs" c="dimmed">
                {field.label}
              </Text>
              <Text component="dd" size="sm" m={0} style={{ overflowWrap: 'anywhere' }}>
                {field.value ?? '—'}
              </Text>
            </div>
          ) : null,
        )}
      </Stack>
    </Paper>
  );
}

const mono = (value: string | null | undefined) =>
  value ? (
    <Text span ff="monospace" size="sm">
      {value}
    </Text>
  ) : (
    '—'
  );

export function EntryDetails(props: { entry: Entry; showAccount: boolean }) {
  const { entry } = props;
  const formats =
    entry.upstreamFormat && entry.upstreamFormat !== entry.clientFormat
      ? `${entry.clientFormat} → ${entry.upstreamFormat} (translated)`
      : entry.clientFormat;
  return (
    <SimpleGrid cols={{ base: 1, md: 2, xl: 4 }} spacing="md">
      <Section
        title="Request"
        fields={[
          { label: 'Request id', value: mono(entry.requestId) },
          { label: "Client's request id", value: mono(entry.clientRequestId) },
          { label: 'Arrived', value: formatTime(entry.at) },
          { label: 'Outcome', value: <OutcomeBadge entry={entry} /> },
          {
            label: 'Key',
            value: (
              <Anchor
                component={Link}
                to={`/keys/${encodeURIComponent(entry.keyId)}`}
                ff="monospace"
                size="sm"
              >
                {entry.keyId}
              </Anchor>
            ),
          },
          props.showAccount && { label: 'Key owner (user id)', value: mono(entry.userId) },
          { label: 'Client', value: entry.clientKind ?? 'other' },
          { label: 'Streamed', value: entry.stream ? 'yes' : 'no' },
        ]}
      />
      <Section
        title="Routing"
        fields={[
          { label: 'Model (asked → served)', value: <ModelText entry={entry} /> },
          { label: 'Platform', value: entry.platform },
          { label: 'API format', value: formats },
          props.showAccount && {
            label: 'Account',
            value: entry.accountId ? (
              <Anchor
                component={Link}
                to={`/accounts/${encodeURIComponent(entry.accountId)}`}
                ff="monospace"
                size="sm"
              >
                {entry.accountId}
              </Anchor>
            ) : (
              '—'
            ),
          },
          { label: 'Accounts tried', value: entry.attempts },
        ]}
      />
      <Section
        title="Usage and cost"
        fields={[
          { label: 'Input tokens', value: formatCount(entry.inputTokens) },
          { label: 'Output tokens', value: formatCount(entry.outputTokens) },
          entry.reasoningTokens != null && {
            label: 'Of which reasoning',
            value: formatCount(entry.reasoningTokens),
          },
          { label: 'Cache read tokens', value: formatCount(entry.cacheReadTokens) },
          { label: 'Cache write tokens (5 min)', value: formatCount(entry.cacheWrite5mTokens) },
          { label: 'Cache write tokens (1 hour)', value: formatCount(entry.cacheWrite1hTokens) },
          entry.estimated && {
            label: 'Estimated',
            value: 'Partly: the stream ended before the final usage came',
          },
          { label: 'Cost', value: <CostText entry={entry} /> },
          entry.priceVersion !== null && { label: 'Price version', value: mono(entry.priceVersion) },
        ]}
      />
      <Section
        title="Timing and errors"
        fields={[
          { label: 'Latency', value: formatMs(entry.latencyMs) },
          { label: 'Time to first token', value: formatMs(entry.ttftMs) },
          { label: 'HTTP status', value: entry.status },
          { label: 'Error code', value: mono(entry.errorCode) },
          { label: 'Error message', value: entry.errorMessage },
        ]}
      />
    </SimpleGrid>
  );
}

/** The failed-over attempts, oldest first: which account failed how before the answer. */
export function AttemptsTable(props: { attempts: readonly Entry[]; showAccount: boolean }) {
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table verticalSpacing="xs" aria-label="Failed-over attempts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Time</Table.Th>
            {props.showAccount ? <Table.Th>Account</Table.Th> : null}
            <Table.Th>Model</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Error</Table.Th>
            <Table.Th>Latency / TTFT</Table.Th>
            <Table.Th>Cost</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.attempts.map((attempt, index) => (
            <Table.Tr key={attempt.requestId} data-request-id={attempt.requestId}>
              <Table.Td>
                <Anchor component={Link} to={requestPath(attempt.requestId)} size="sm">
                  {index + 1}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatTime(attempt.at)}</Text>
              </Table.Td>
              {props.showAccount ? (
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {attempt.accountId ?? '—'}
                  </Text>
                </Table.Td>
              ) : null}
              <Table.Td>
                <ModelText entry={attempt} />
              </Table.Td>
              <Table.Td>
                <OutcomeBadge entry={attempt} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {attempt.errorCode ? (
                    <Badge variant="outline" size="xs" mr={6}>
                      {attempt.errorCode}
                    </Badge>
                  ) : null}
                  {attempt.errorMessage ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td>
                <LatencyText entry={attempt} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatCost(attempt.costMicros)}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
