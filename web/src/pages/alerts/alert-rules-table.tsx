// The rules: what each watches, how loud, where it goes, whether it is firing now; managers get the switches.
import type { AlertRuleSummaryFragment, AlertSeverity } from '@clients/generated/graphql/graphql';
import { Badge, Button, Group, List, Switch, Table, Text, Tooltip } from '@mantine/core';
import { formatRelative, formatTime } from '../../components/format';
import { describeCondition, KIND_LABELS } from './alert-condition';
import type { ChannelOption } from './alert-rule-form';

export const SEVERITY_COLORS: Record<AlertSeverity, string> = {
  info: 'blue',
  warning: 'yellow',
  critical: 'red',
};

interface Props {
  rules: readonly AlertRuleSummaryFragment[];
  channels: readonly ChannelOption[];
  manage: boolean;
  togglingId: string | undefined;
  onToggle: (rule: AlertRuleSummaryFragment, enabled: boolean) => void;
  onEdit: (rule: AlertRuleSummaryFragment) => void;
  onDelete: (rule: AlertRuleSummaryFragment) => void;
}

export function AlertRulesTable(props: Props) {
  const channelNames = new Map(props.channels.map((channel) => [channel.id, channel.name]));
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Alert rules">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Condition</Table.Th>
            <Table.Th>Severity</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Channels</Table.Th>
            <Table.Th>Cooldown</Table.Th>
            <Table.Th>Enabled</Table.Th>
            {props.manage ? <Table.Th aria-label="Actions" /> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.rules.map((rule) => (
            <Table.Tr key={rule.id} data-testid="alert-rule-row">
              <Table.Td>
                <Text size="sm" fw={500}>
                  {rule.name}
                </Text>
              </Table.Td>
              <Table.Td maw={360}>
                <Badge miw="max-content" variant="light" color="gray" size="sm">
                  {KIND_LABELS[rule.condition.kind]}
                </Badge>
                <Text size="xs" c="dimmed">
                  {describeCondition(rule.condition)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge miw="max-content" color={SEVERITY_COLORS[rule.severity]} variant="light">
                  {rule.severity}
                </Badge>
              </Table.Td>
              <Table.Td>
                <FiringState rule={rule} />
              </Table.Td>
              <Table.Td>
                {rule.channelIds.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    None: only the history records it
                  </Text>
                ) : (
                  <Text size="sm">
                    {rule.channelIds.map((id) => channelNames.get(id) ?? `${id} (deleted)`).join(', ')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatCooldown(rule.cooldownMs)}</Text>
              </Table.Td>
              <Table.Td>
                {props.manage ? (
                  <Switch
                    aria-label={`Enable ${rule.name}`}
                    checked={rule.enabled}
                    disabled={props.togglingId === rule.id}
                    onChange={(event) => props.onToggle(rule, event.currentTarget.checked)}
                  />
                ) : (
                  <Badge miw="max-content" color={rule.enabled ? 'green' : 'gray'} variant="light">
                    {rule.enabled ? 'On' : 'Off'}
                  </Badge>
                )}
              </Table.Td>
              {props.manage ? (
                <Table.Td>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    <Button size="xs" variant="subtle" onClick={() => props.onEdit(rule)}>
                      Edit
                    </Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => props.onDelete(rule)}>
                      Delete
                    </Button>
                  </Group>
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function FiringState({ rule }: { rule: AlertRuleSummaryFragment }) {
  if (rule.firing.length === 0) {
    return (
      <Badge miw="max-content" color={rule.enabled ? 'green' : 'gray'} variant="outline">
        {rule.enabled ? 'Quiet' : 'Off'}
      </Badge>
    );
  }
  // ISO strings in UTC sort by time: the first is the longest-firing subject.
  const earliest = rule.firing.map((firing) => firing.since).sort()[0];
  return (
    <Tooltip
      multiline
      w={320}
      label={
        <List size="xs">
          {rule.firing.map((firing) => (
            <List.Item key={firing.subject}>
              {firing.subject} since {formatTime(firing.since)}
            </List.Item>
          ))}
        </List>
      }
    >
      <Badge miw="max-content" color="red" tabIndex={0}>
        Firing{rule.firing.length > 1 ? ` ×${rule.firing.length}` : ''} · {formatRelative(earliest)}
      </Badge>
    </Tooltip>
  );
}

function formatCooldown(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${Math.round(hours * 10) / 10} h` : `${Math.round((hours / 24) * 10) / 10} d`;
}
