// An account's past: its live-state transitions and its recent connection tests, newest first.
import type { AccountsPageAccountQuery } from '@clients/generated/graphql/graphql';
import { Badge, Group, Table, Text, Title } from '@mantine/core';
import { stateColor, stateLabel } from '../../components/account-live-state';
import { formatMs, formatRelative, formatTime } from '../../components/format';
import { EmptyState } from '../../components/page';

type Detail = AccountsPageAccountQuery['account'];

/** `rate_limited:opus` names the family after the colon; the badge colour is the state's. */
function StateBadge(props: { state: string }) {
  const [kind = props.state] = props.state.split(':');
  return (
    <Badge color={stateColor(kind)} variant="light" tt="none">
      {stateLabel(props.state)}
    </Badge>
  );
}

export function StateHistory(props: { history: Detail['history'] }) {
  return (
    <>
      <Title order={4} mb="xs">
        State history
      </Title>
      {props.history.length === 0 ? (
        <EmptyState title="No state changes yet">
          The account has stayed active. Rate limits, cooldowns, exhausted quotas and refused credentials show
          up here as they happen.
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Change</Table.Th>
                <Table.Th>Until</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {props.history.map((change) => (
                <Table.Tr key={`${change.at}|${change.to}|${change.family ?? ''}`}>
                  <Table.Td title={formatTime(change.at)}>{formatRelative(change.at)}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <StateBadge state={change.from} />
                      <Text size="sm" aria-label="to">
                        →
                      </Text>
                      <StateBadge state={change.to} />
                    </Group>
                  </Table.Td>
                  <Table.Td>{change.until ? formatTime(change.until) : '—'}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{change.reason}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}

export function ConnectionTests(props: { tests: Detail['connectionTests']; canManage: boolean }) {
  return (
    <>
      <Title order={4} mb="xs">
        Recent connection tests
      </Title>
      {props.tests.length === 0 ? (
        <EmptyState title="Not tested yet">
          {props.canManage
            ? '“Test connection” sends a tiny request through the account and records the outcome here.'
            : 'A manager can test the connection; the outcomes are recorded here.'}
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Result</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Latency</Table.Th>
                <Table.Th>Model</Table.Th>
                <Table.Th>Message</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {props.tests.map((test) => (
                <Table.Tr key={test.at}>
                  <Table.Td title={formatTime(test.at)}>{formatRelative(test.at)}</Table.Td>
                  <Table.Td>
                    <Badge color={test.ok ? 'green' : 'red'} variant="light">
                      {test.ok ? 'ok' : 'failed'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{test.status ?? '—'}</Table.Td>
                  <Table.Td>{formatMs(test.latencyMs)}</Table.Td>
                  <Table.Td>{test.model}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{test.message ?? '—'}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
