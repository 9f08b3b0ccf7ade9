// Role: one managed settings policy — its scope, who changed it and when, and its settings: read-only for
// readers; admins edit the JSON (checked before sending) and save it, or delete the policy.
import { ManagedSettingsPageSetDocument } from '@clients/generated/graphql/graphql';
import { Button, Code, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { messageUnder } from '../../components/field-errors';
import { formatRelative, formatTime } from '../../components/format';
import { ErrorNotice } from '../../components/page';
import { SettingsEditor } from './settings-editor';
import { formatSettings, type Policy, parseSettings, scopeInput, scopeTitle } from './settings-json';

export function PolicyCard(props: {
  policy: Policy;
  nameOf: (userId: string) => string;
  canEdit: boolean;
  onSaved: () => void;
  onDelete: (policy: Policy) => void;
}) {
  const { policy } = props;
  const title = scopeTitle(policy.scope, props.nameOf);
  const saved = formatSettings(policy.settings);
  const save = useMutation(ManagedSettingsPageSetDocument);
  const [text, setText] = useState(saved);
  const [checked, setChecked] = useState<string | undefined>();
  const serverError = messageUnder(save.fieldErrors, 'settings');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseSettings(text);
    setChecked(parsed.ok ? undefined : parsed.message);
    if (!parsed.ok) return;
    const result = await save.run({ scope: scopeInput(policy.scope), settings: parsed.value });
    if (result) {
      setText(formatSettings(result.setManagedSettings.settings));
      props.onSaved();
    }
  };

  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      data-scope={policy.scope.type}
      aria-label={title}
      component="section"
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Title order={4}>{title}</Title>
          <Tooltip label={formatTime(policy.updatedAt)}>
            <Text size="xs" c="dimmed">
              Changed {formatRelative(policy.updatedAt)} by {props.nameOf(policy.updatedBy)}
            </Text>
          </Tooltip>
        </Group>
        {props.canEdit ? (
          <form onSubmit={submit} noValidate aria-label={`Settings for ${title}`}>
            <Stack gap="sm">
              <SettingsEditor
                label="Settings (JSON)"
                value={text}
                onChange={(value) => {
                  setText(value);
                  setChecked(undefined);
                  save.reset();
                }}
                error={checked ?? serverError}
              />
              {save.error && !serverError ? (
                <ErrorNotice error={save.error} title="The settings were not saved" />
              ) : null}
              <Group gap="xs">
                <Button
                  type="submit"
                  loading={save.running}
                  disabled={save.running || text === saved}
                  aria-label={`Save the settings for ${title}`}
                >
                  Save
                </Button>
                <Button
                  variant="default"
                  onClick={() => {
                    setText(saved);
                    setChecked(undefined);
                    save.reset();
                  }}
                  disabled={save.running || text === saved}
                >
                  Revert
                </Button>
                <Button
                  variant="light"
                  color="red"
                  onClick={() => props.onDelete(policy)}
                  aria-label={`Delete the policy for ${title}`}
                >
                  Delete
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <Code block>{saved}</Code>
        )}
      </Stack>
    </Paper>
  );
}
