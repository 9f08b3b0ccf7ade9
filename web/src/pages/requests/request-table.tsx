// Any signed-in user: the request log's rows, newest first; readers also see the account that served each.
import { Anchor, Table, Text } from '@mantine/core';
import type { MouseEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { formatTime } from '../../components/format';
import { CostText, type Entry, LatencyText, ModelText, OutcomeBadge, TokensText } from './entry-parts';

export function requestPath(requestId: string): string {
  return `/requests/${encodeURIComponent(requestId)}`;
}

const rowTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Ids are long and alike at the start of their kind: the row shows a prefix, the title and the link the rest. */
function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 14)}…` : id;
}

const NOWRAP = { whiteSpace: 'nowrap' } as const;

export function RequestTable(props: {
  entries: readonly Entry[];
  showAccount: boolean;
  fresh?: ReadonlySet<string>;
}) {
  const navigate = useNavigate();
  // The whole row opens the entry; links inside it (key, account) keep their own target.
  const open = (event: MouseEvent<HTMLTableRowElement>, requestId: string) => {
    if (event.target instanceof Element && event.target.closest('a, button')) return;
    navigate(requestPath(requestId));
  };
  return (
    <Table.ScrollContainer minWidth={props.showAccount ? 1100 : 960}>
      <Table highlightOnHover verticalSpacing="xs" aria-label="Requests">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Key</Table.Th>
            {props.showAccount ? <Table.Th>Account</Table.Th> : null}
            <Table.Th>Model (asked → served)</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Tokens in / out</Table.Th>
            <Table.Th>Cost</Table.Th>
            <Table.Th>Latency / TTFT</Table.Th>
            <Table.Th>Attempts</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.entries.map((entry) => (
            <Table.Tr
              key={entry.requestId}
              data-request-id={entry.requestId}
              data-fresh={props.fresh?.has(entry.requestId) ? 'true' : undefined}
              onClick={(event) => open(event, entry.requestId)}
              style={{ cursor: 'pointer' }}
            >
              <Table.Td>
                <Anchor
                  component={Link}
                  to={requestPath(entry.requestId)}
                  size="sm"
                  title={`${formatTime(entry.at)} · ${entry.requestId}`}
                  style={NOWRAP}
                >
                  {rowTime.format(new Date(entry.at))}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={`/keys/${encodeURIComponent(entry.keyId)}`}
                  size="sm"
                  ff="monospace"
                  title={entry.keyId}
                  style={NOWRAP}
                >
                  {shortId(entry.keyId)}
                </Anchor>
              </Table.Td>
              {props.showAccount ? (
                <Table.Td>
                  {entry.accountId ? (
                    <Anchor
                      component={Link}
                      to={`/accounts/${encodeURIComponent(entry.accountId)}`}
                      size="sm"
                      ff="monospace"
                      title={entry.accountId}
                      style={NOWRAP}
                    >
                      {shortId(entry.accountId)}
                    </Anchor>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
              ) : null}
              <Table.Td>
                <ModelText entry={entry} />
              </Table.Td>
              <Table.Td style={NOWRAP}>
                <OutcomeBadge entry={entry} />
              </Table.Td>
              <Table.Td style={NOWRAP}>
                <TokensText entry={entry} />
              </Table.Td>
              <Table.Td>
                <CostText entry={entry} />
              </Table.Td>
              <Table.Td style={NOWRAP}>
                <LatencyText entry={entry} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={entry.attempts > 1 ? 'orange' : undefined}>
                  {entry.attempts}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
