// The key holder's latest requests: what was asked, how it ended, what it cost.
import type { KeyHolderQuery } from '@clients/generated/graphql/graphql';
import { Badge, Table } from '@mantine/core';
import { formatCost, formatCount, formatMs, formatTime } from '../../components/format';
import { EmptyState } from '../../components/page';

type Request = KeyHolderQuery['myApiKey']['recentRequests'][number];

export function RecentRequests(props: { requests: Request[] }) {
  if (props.requests.length === 0) {
    return (
      <EmptyState title="No requests yet">
        Point your AI client's base URL at this relay with this key; its requests appear here.
      </EmptyState>
    );
  }
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Model</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Tokens in / out</Table.Th>
            <Table.Th>Cost</Table.Th>
            <Table.Th>Latency</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.requests.map((request) => (
            <Table.Tr key={request.requestId} data-request-id={request.requestId}>
              <Table.Td>{formatTime(request.at)}</Table.Td>
              <Table.Td>{request.model}</Table.Td>
              <Table.Td>
                <Badge color={request.outcome === 'ok' ? 'green' : 'red'} variant="light">
                  {request.status} {request.outcome}
                </Badge>
              </Table.Td>
              <Table.Td>
                {formatCount(request.inputTokens)} / {formatCount(request.outputTokens)}
              </Table.Td>
              <Table.Td>{formatCost(request.costMicros)}</Table.Td>
              <Table.Td>{formatMs(request.latencyMs)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
