// Role: each person's standing — per day, week and month the cap that applies to them and where it comes from
// (their own limit or a group's), what they have spent so far as a bar against it, and when it resets.
import type { SpendLimitsPageEffectiveFragment } from '@clients/generated/graphql/graphql';
import { Badge, Progress, Stack, Table, Text, Tooltip } from '@mantine/core';
import { formatCost, formatRelative, formatTime } from '../../components/format';
import { PERIOD_LABELS } from './spend-text';

export type EffectiveSpend = SpendLimitsPageEffectiveFragment;

function CapCell(props: { row: EffectiveSpend; showUser: boolean }) {
  const { limitMicros, source } = props.row;
  if (!source) {
    return (
      <Text size="sm" c="dimmed" data-testid="cap-source">
        No limit set
      </Text>
    );
  }
  return (
    <Stack gap={0}>
      {limitMicros === null ? (
        <Badge color="gray" variant="light" w="fit-content">
          No cap
        </Badge>
      ) : (
        <Text size="sm" ff="monospace">
          {formatCost(limitMicros)}
        </Text>
      )}
      <Text size="xs" c="dimmed" data-testid="cap-source">
        {source.type === 'group'
          ? `from group ${source.group ?? ''}`
          : props.showUser
            ? 'their own limit'
            : 'your own limit'}
      </Text>
    </Stack>
  );
}

function SpentCell(props: { row: EffectiveSpend }) {
  const { limitMicros, spentMicros } = props.row;
  if (limitMicros === null) return <Text size="sm">{formatCost(spentMicros)}</Text>;
  const share = limitMicros > 0 ? Math.min(100, (spentMicros / limitMicros) * 100) : 100;
  const color = share >= 100 ? 'red' : share >= 80 ? 'orange' : 'indigo';
  return (
    <Stack gap={4} miw={160}>
      <Progress value={share} color={color} size="md" aria-label={`Spent of the ${props.row.period} cap`} />
      <Text size="xs" c="dimmed">
        {formatCost(spentMicros)} of {formatCost(limitMicros)}
        {share >= 100 ? ' · requests refused until it resets' : ''}
      </Text>
    </Stack>
  );
}

export function EffectiveSpendTable(props: {
  rows: readonly EffectiveSpend[];
  /** Readers see everyone's rows with a user column; members only their own. */
  showUser: boolean;
}) {
  return (
    <Table.ScrollContainer minWidth={props.showUser ? 760 : 600}>
      <Table striped verticalSpacing="xs" aria-label="Effective spend">
        <Table.Thead>
          <Table.Tr>
            {props.showUser ? <Table.Th>User</Table.Th> : null}
            <Table.Th>Period</Table.Th>
            <Table.Th>Cap</Table.Th>
            <Table.Th>Spent so far</Table.Th>
            <Table.Th>Resets</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.rows.map((row) => (
            <Table.Tr key={`${row.userId}:${row.period}`} data-user-id={row.userId} data-period={row.period}>
              {props.showUser ? (
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {row.username}
                  </Text>
                </Table.Td>
              ) : null}
              <Table.Td>{PERIOD_LABELS[row.period]}</Table.Td>
              <Table.Td>
                <CapCell row={row} showUser={props.showUser} />
              </Table.Td>
              <Table.Td>
                <SpentCell row={row} />
              </Table.Td>
              <Table.Td>
                <Tooltip label={formatTime(row.resetsAt)}>
                  <Text size="sm" span>
                    {formatRelative(row.resetsAt)}
                  </Text>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
