// Role: a user's groups on the users page — shown as badges, and for admins changed in a small form (a tags
// input checked like the server, its refusals named beside the field). Groups pick which spend limits and
// managed settings apply to the user; changing them ends no session.
import { UsersPageUpdateDocument, type UsersPageUserFragment } from '@clients/generated/graphql/graphql';
import { Badge, Button, Group, Modal, Stack, TagsInput, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { errorAt } from '../../components/field-errors';
import { ErrorNotice } from '../../components/page';
import { GROUP_RULE, groupListError, MAX_USER_GROUPS } from '../../components/user-groups';

type User = UsersPageUserFragment;

export function GroupBadges(props: { groups: readonly string[] }) {
  if (props.groups.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        None
      </Text>
    );
  }
  return (
    <Group gap={4} wrap="wrap">
      {props.groups.map((group) => (
        <Badge key={group} variant="outline" tt="none">
          {group}
        </Badge>
      ))}
    </Group>
  );
}

function GroupsForm(props: { user: User; onSaved: () => void; onCancel: () => void }) {
  const update = useMutation(UsersPageUpdateDocument);
  const [groups, setGroups] = useState<string[]>([...props.user.groups]);
  const [checked, setChecked] = useState<string | undefined>();
  const serverError = errorAt(update.fieldErrors, 'groups');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const names = groups.map((group) => group.trim());
    const problem = groupListError(names);
    setChecked(problem);
    if (problem) return;
    const result = await update.run({ id: props.user.id, input: { groups: names } });
    if (result) props.onSaved();
  };

  return (
    <form onSubmit={submit} noValidate aria-label={`Groups of ${props.user.username}`}>
      <Stack gap="sm">
        <TagsInput
          label="Groups"
          description={`Press Enter after each name: ${GROUP_RULE}; at most ${MAX_USER_GROUPS}.`}
          placeholder={groups.length === 0 ? 'interns, research…' : undefined}
          value={groups}
          onChange={(value) => {
            setGroups(value);
            setChecked(undefined);
            update.reset();
          }}
          splitChars={[',', ' ']}
          clearable
          error={checked ?? serverError}
          data-autofocus
        />
        <Text size="xs" c="dimmed">
          Spend limits and managed settings can be set per group. Changing groups does not sign the user out.
        </Text>
        {update.error && !serverError ? (
          <ErrorNotice error={update.error} title="The groups were not changed" />
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel} disabled={update.running}>
            Cancel
          </Button>
          <Button type="submit" loading={update.running} disabled={update.running}>
            Save groups
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The groups cell of a user's row: badges, and for admins a button to change them. */
export function UserGroupsCell(props: { user: User; onChanged: () => void }) {
  const { user } = props;
  const [editing, setEditing] = useState(false);
  return (
    <Group gap="xs" wrap="nowrap" justify="space-between">
      <GroupBadges groups={user.groups} />
      <Button
        size="xs"
        variant="subtle"
        onClick={() => setEditing(true)}
        aria-label={`Edit groups of ${user.username}`}
      >
        Edit
      </Button>
      <Modal opened={editing} onClose={() => setEditing(false)} title={`Groups of ${user.username}`}>
        {editing ? (
          <GroupsForm
            user={user}
            onCancel={() => setEditing(false)}
            onSaved={() => {
              setEditing(false);
              props.onChanged();
            }}
          />
        ) : null}
      </Modal>
    </Group>
  );
}
