// Role: an admin adds a managed settings policy — for everyone, a role, a user group or one user — with its
// settings as JSON, checked here (valid JSON, an object, at most 64 KB) before anything is sent.
import {
  ManagedSettingsPageSetDocument,
  type ManagedSettingsScopeInput,
  type Role,
} from '@clients/generated/graphql/graphql';
import { Alert, Autocomplete, Button, Group, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { messageUnder } from '../../components/field-errors';
import { ErrorNotice } from '../../components/page';
import { GROUP_RULE, groupNameError } from '../../components/user-groups';
import { SettingsEditor } from './settings-editor';
import { parseSettings, ROLES, scopeKey } from './settings-json';

type ScopeType = 'all' | 'role' | 'group' | 'user';
const SCOPE_TYPES: ReadonlyArray<{ value: ScopeType; label: string }> = [
  { value: 'all', label: 'Everyone' },
  { value: 'role', label: 'Role' },
  { value: 'group', label: 'User group' },
  { value: 'user', label: 'User' },
];

export const EXAMPLE_SETTINGS =
  '{\n  "env": { "CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY": "1" },\n  "permissions": { "deny": ["WebFetch"] }\n}';

export function PolicyForm(props: {
  users: ReadonlyArray<{ value: string; label: string }>;
  groups: readonly string[];
  /** Scopes that already have a policy (`scopeKey`), which saving replaces. */
  existing: ReadonlySet<string>;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const save = useMutation(ManagedSettingsPageSetDocument);
  const [type, setType] = useState<ScopeType>('all');
  const [role, setRole] = useState<Role>('member');
  const [group, setGroup] = useState('');
  const [userId, setUserId] = useState('');
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<Partial<Record<'scope' | 'settings', string>>>({});

  const scope: ManagedSettingsScopeInput =
    type === 'role'
      ? { role }
      : type === 'group'
        ? { group: group.trim() }
        : type === 'user'
          ? { userId }
          : {};
  const named = type === 'group' ? group.trim() !== '' : type === 'user' ? userId !== '' : true;
  const replaces = named && props.existing.has(scopeKey(scope));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<'scope' | 'settings', string>> = {};
    if (type === 'group') {
      const problem = groupNameError(group);
      if (problem) found.scope = problem;
    }
    if (type === 'user' && userId === '') found.scope = 'Choose a user';
    const parsed = parseSettings(text);
    if (!parsed.ok) found.settings = parsed.message;
    setProblems(found);
    if (!parsed.ok || Object.keys(found).length > 0) return;
    if (await save.run({ scope, settings: parsed.value })) props.onSaved();
  };

  const errors = save.fieldErrors;
  const scopeError =
    problems.scope ?? errors.group ?? errors.userId ?? errors.role ?? messageUnder(errors, 'scope');
  const settingsError = problems.settings ?? messageUnder(errors, 'settings');
  const placed = scopeError !== undefined || settingsError !== undefined;

  return (
    <form onSubmit={submit} noValidate aria-label="Managed settings policy">
      <Stack gap="sm">
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Applies to
          </Text>
          <SegmentedControl
            value={type}
            onChange={(value) => setType(SCOPE_TYPES.find((item) => item.value === value)?.value ?? 'all')}
            data={[...SCOPE_TYPES]}
            aria-label="Applies to"
          />
        </Stack>
        {type === 'role' ? (
          <Select
            label="Role"
            data={[...ROLES]}
            value={role}
            onChange={(value) => setRole(ROLES.find((candidate) => candidate === value) ?? 'member')}
            allowDeselect={false}
            error={scopeError}
          />
        ) : null}
        {type === 'group' ? (
          <Autocomplete
            label="Group"
            description={GROUP_RULE}
            data={[...props.groups]}
            value={group}
            onChange={setGroup}
            error={scopeError}
            required
          />
        ) : null}
        {type === 'user' ? (
          <Select
            label="User"
            data={props.users}
            value={userId || null}
            onChange={(value) => setUserId(value ?? '')}
            searchable
            error={scopeError}
            required
          />
        ) : null}
        {type === 'all' && scopeError ? <ErrorNotice error={new Error(scopeError)} /> : null}
        {replaces ? (
          <Alert color="yellow" variant="light" p="xs">
            <Text size="sm">This scope already has a policy: saving replaces its settings.</Text>
          </Alert>
        ) : null}
        <SettingsEditor
          label="Settings (JSON)"
          description="A JSON object, as in managed-settings.json; see the example on the page."
          value={text}
          placeholder={EXAMPLE_SETTINGS}
          onChange={(value) => {
            setText(value);
            setProblems((current) => ({ ...current, settings: undefined }));
          }}
          error={settingsError}
        />
        {save.error && !placed ? <ErrorNotice error={save.error} title="The policy was not saved" /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel} disabled={save.running}>
            Cancel
          </Button>
          <Button type="submit" loading={save.running} disabled={save.running}>
            Save policy
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
