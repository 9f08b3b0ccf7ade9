// Role: the users list for admins — each user's role (changeable), groups (changeable) and access (disable or
// enable); an admin's own role and access are read-only, as the server refuses changing them.
import {
  type Role,
  type UpdateUserInput,
  UsersPageUpdateDocument,
  type UsersPageUserFragment,
} from '@clients/generated/graphql/graphql';
import { Badge, Button, Select, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useMutation } from '../../app/use-graphql';
import { formatRelative, formatTime } from '../../components/format';
import { UserGroupsCell } from './user-groups';

type User = UsersPageUserFragment;

const ROLES: Role[] = ['admin', 'operator', 'viewer', 'member'];

function UserRow(props: { user: User; me: boolean; onChanged: () => void }) {
  const { user } = props;
  const update = useMutation(UsersPageUpdateDocument);
  const change = async (input: UpdateUserInput) => {
    const result = await update.run({ id: user.id, input });
    if (result) props.onChanged();
  };
  // The server names `role` or `disabled`; anything else (the last admin) shows under the role too.
  const roleError = update.error
    ? (update.fieldErrors.disabled ?? update.fieldErrors.role ?? update.error.message)
    : undefined;
  return (
    <Table.Tr data-user-id={user.id}>
      <Table.Td>
        <Text fw={500} size="sm">
          {user.username}
          {props.me ? (
            <Text span c="dimmed" size="xs">
              {' '}
              (you)
            </Text>
          ) : null}
        </Text>
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={`Role of ${user.username}`}
          data={ROLES}
          value={user.role}
          onChange={(role) => {
            if (role && role !== user.role) void change({ role });
          }}
          allowDeselect={false}
          disabled={props.me || update.running}
          error={roleError}
          size="xs"
          w={160}
        />
      </Table.Td>
      <Table.Td>
        <UserGroupsCell user={user} onChanged={props.onChanged} />
      </Table.Td>
      <Table.Td>
        <Badge color={user.disabled ? 'gray' : 'green'} variant="light">
          {user.disabled ? 'Disabled' : 'Active'}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Tooltip label={formatTime(user.createdAt)}>
          <Text size="sm" span>
            {formatRelative(user.createdAt)}
          </Text>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        {props.me ? null : (
          <Button
            size="xs"
            variant="light"
            color={user.disabled ? 'green' : 'red'}
            loading={update.running}
            disabled={update.running}
            onClick={() => void change({ disabled: !user.disabled })}
            aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function UsersTable(props: {
  users: readonly User[];
  meId: string | undefined;
  onChanged: () => void;
}) {
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Username</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Groups</Table.Th>
            <Table.Th>Access</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.users.map((user) => (
            <UserRow key={user.id} user={user} me={user.id === props.meId} onChanged={props.onChanged} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
