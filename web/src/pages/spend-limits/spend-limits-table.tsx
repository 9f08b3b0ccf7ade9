// Role: the spend limits as set — whom each caps (a user or a user group), per which period, the cap in dollars
// or "no cap", when it last changed; managers get Change and Delete on each.
import { Badge, Button, Group, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { formatRelative, formatTime } from '../../components/format';
import { formatCents, PERIOD_LABELS, type SpendLimit, scopeLabel } from './spend-text';

function ScopeCell(props: { limit: SpendLimit; nameOf: (userId: string) => string }) {
  const { scope } = props.limit;
  if (scope.type === 'group') {
    return (
      <Group gap={6} wrap="nowrap">
        <Badge variant="outline" tt="none">
          {scope.group}
        </Badge>
        <Text size="xs" c="dimmed">
          group
        </Text>
      </Group>
    );
  }
  return <Text size="sm">{scopeLabel(scope, props.nameOf)}</Text>;
}

export function SpendLimitsTable(props: {
  limits: readonly SpendLimit[];
  nameOf: (userId: string) => string;
  canManage: boolean;
  onEdit: (limit: SpendLimit) => void;
  onDelete: (limit: SpendLimit) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Spend limits">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Applies to</Table.Th>
            <Table.Th>Period</Table.Th>
            <Table.Th>Cap</Table.Th>
            <Table.Th>Updated</Table.Th>
            {props.canManage ? (
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            ) : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.limits.map((limit) => {
            const name = `the ${limit.period} limit of ${scopeLabel(limit.scope, props.nameOf)}`;
            return (
              <Table.Tr key={limit.id} data-limit-id={limit.id}>
                <Table.Td>
                  <ScopeCell limit={limit} nameOf={props.nameOf} />
                </Table.Td>
                <Table.Td>{PERIOD_LABELS[limit.period]}</Table.Td>
                <Table.Td>
                  {limit.amountCents === null ? (
                    <Badge color="gray" variant="light">
                      No cap
                    </Badge>
                  ) : (
                    <Text size="sm" ff="monospace">
                      {formatCents(limit.amountCents)}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Tooltip label={formatTime(limit.updatedAt)}>
                    <Text size="sm" span>
                      {formatRelative(limit.updatedAt)}
                    </Text>
                  </Tooltip>
                </Table.Td>
                {props.canManage ? (
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => props.onEdit(limit)}
                        aria-label={`Change ${name}`}
                      >
                        Change
                      </Button>
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        onClick={() => props.onDelete(limit)}
                        aria-label={`Delete ${name}`}
                      >
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
