// Role: the signed-in devices' table — one row per device with its application, user agent, address, the key it
// uses and when it signed in (and whose it is, for admins), each with a Revoke button.
import type { GatewayDeviceFieldsFragment } from '@clients/generated/graphql/graphql';
import { Anchor, Button, Code, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { Link } from 'react-router';
import { formatRelative, formatTime } from '../../components/format';
import { surfaceName } from './device-text';

export type Device = GatewayDeviceFieldsFragment;

export function DevicesTable(props: {
  devices: readonly Device[];
  /** The key's name when this page could list it; undefined shows the id. */
  keyName: (keyId: string) => string | undefined;
  /** Shown with a user column (admins, who see everyone's devices). */
  userName?: ((userId: string) => string) | undefined;
  onRevoke: (device: Device) => void;
}) {
  const { userName } = props;
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label="Signed-in devices">
        <Table.Thead>
          <Table.Tr>
            {userName ? <Table.Th>User</Table.Th> : null}
            <Table.Th>Application</Table.Th>
            <Table.Th>User agent</Table.Th>
            <Table.Th>Address</Table.Th>
            <Table.Th>Key</Table.Th>
            <Table.Th>Signed in</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.devices.map((device) => {
            const keyName = props.keyName(device.keyId);
            return (
              <Table.Tr key={device.id} data-device-id={device.id}>
                {userName ? (
                  <Table.Td>
                    <Text size="sm" truncate="end" maw={160} title={device.userId}>
                      {userName(device.userId)}
                    </Text>
                  </Table.Td>
                ) : null}
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm" span>
                    {surfaceName(device.surface)}
                  </Text>{' '}
                  {device.surface ? <Code>{device.surface}</Code> : null}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" truncate="end" maw={220} title={device.userAgent ?? undefined}>
                    {device.userAgent ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{device.address ?? '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/keys/${encodeURIComponent(device.keyId)}`} size="sm">
                    {keyName ?? <Code>{device.keyId}</Code>}
                  </Anchor>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Tooltip label={formatTime(device.createdAt)}>
                    <Text size="sm" span>
                      {formatRelative(device.createdAt)}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" color="red" onClick={() => props.onRevoke(device)}>
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
