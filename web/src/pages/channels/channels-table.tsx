// The channels: kind, name, where they send, whether they are on and how the last delivery went; managers can
// switch, test, edit and delete them.
import { Badge, Button, Group, Switch, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { type Channel, destinationOf, KIND_LABELS } from './channel-kinds';
import { TestButton } from './channel-test';
import { LastDelivery } from './delivery-status';

interface Props {
  channels: readonly Channel[];
  manage: boolean;
  /** Bumped after a test settles, so the last-delivery cells read the log again. */
  version: number;
  testingId: string | undefined;
  togglingId: string | undefined;
  onTest: (channel: Channel) => void;
  onToggle: (channel: Channel, enabled: boolean) => void;
  onEdit: (channel: Channel) => void;
  onDelete: (channel: Channel) => void;
}

export function ChannelsTable(props: Props) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Notification channels">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Destination</Table.Th>
            <Table.Th>Enabled</Table.Th>
            <Table.Th>Last delivery</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.channels.map((channel) => (
            <Table.Tr key={channel.id} data-testid="channel-row">
              <Table.Td>
                <Text component={Link} to={`/channels/${channel.id}`} size="sm" fw={500} c="blue">
                  {channel.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge miw="max-content" variant="light" color="gray">
                  {KIND_LABELS[channel.kind]}
                </Badge>
              </Table.Td>
              <Table.Td maw={280}>
                <Text size="sm" truncate="end" title={destinationOf(channel)}>
                  {destinationOf(channel)}
                </Text>
              </Table.Td>
              <Table.Td>
                {props.manage ? (
                  <Switch
                    aria-label={`Enable ${channel.name}`}
                    checked={channel.enabled}
                    disabled={props.togglingId === channel.id}
                    onChange={(event) => props.onToggle(channel, event.currentTarget.checked)}
                  />
                ) : (
                  <Badge miw="max-content" color={channel.enabled ? 'green' : 'gray'} variant="light">
                    {channel.enabled ? 'On' : 'Off'}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <LastDelivery key={`${channel.id}:${props.version}`} channelId={channel.id} />
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap" justify="flex-end">
                  {props.manage ? (
                    <>
                      <TestButton
                        name={channel.name}
                        testing={props.testingId === channel.id}
                        busy={props.testingId !== undefined}
                        onClick={() => props.onTest(channel)}
                      />
                      <Button size="xs" variant="subtle" onClick={() => props.onEdit(channel)}>
                        Edit
                      </Button>
                      <Button size="xs" variant="subtle" color="red" onClick={() => props.onDelete(channel)}>
                        Delete
                      </Button>
                    </>
                  ) : (
                    <Button size="xs" variant="subtle" component={Link} to={`/channels/${channel.id}`}>
                      Delivery log
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
