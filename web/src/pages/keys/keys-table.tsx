// Role: the key list's table — one row per key with its hint, owner, state, expiry, limits and age; the name
// links to the key's page.
import type { KeysPageKeyFieldsFragment } from '@clients/generated/graphql/graphql';
import { Anchor, Badge, Code, Group, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { formatRelative, formatTime } from '../../components/format';
import { expiryText, hasExpired, limitParts } from './key-summary';

export function KeysTable(props: {
  keys: readonly KeysPageKeyFieldsFragment[];
  ownerName: (ownerId: string | null | undefined) => string;
  showOwner: boolean;
}) {
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Key</Table.Th>
            {props.showOwner ? <Table.Th>Owner</Table.Th> : null}
            <Table.Th>Enabled</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Limits</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.keys.map((key) => {
            const limits = limitParts(key);
            const expired = hasExpired(key);
            return (
              <Table.Tr key={key.id} data-key-id={key.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Anchor component={Link} to={`/keys/${encodeURIComponent(key.id)}`} fw={500}>
                    {key.name}
                  </Anchor>
                  {key.tags.length ? (
                    <Text size="xs" c="dimmed">
                      {key.tags.join(', ')}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Code>{key.hint}</Code>
                </Table.Td>
                {props.showOwner ? (
                  <Table.Td>
                    {/* Non-admins see owners as ids (only admins may list users): long, so cut short. */}
                    <Text size="sm" truncate="end" maw={180} title={key.ownerId ?? undefined}>
                      {props.ownerName(key.ownerId)}
                    </Text>
                  </Table.Td>
                ) : null}
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Badge style={{ flexShrink: 0 }} color={key.enabled ? 'green' : 'gray'} variant="light">
                      {key.enabled ? 'Enabled' : 'Disabled'}
                    </Badge>
                    {expired ? (
                      <Badge style={{ flexShrink: 0 }} color="orange" variant="light">
                        Expired
                      </Badge>
                    ) : null}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{expiryText(key)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2}>
                    {limits.length ? limits.join(' · ') : 'No limits'}
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Tooltip label={formatTime(key.createdAt)}>
                    <Text size="sm" span>
                      {formatRelative(key.createdAt)}
                    </Text>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
