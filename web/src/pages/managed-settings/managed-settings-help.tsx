// What managed settings are and how a person's are put together, in a few lines above the policies.
import { Code, List, Paper, Stack, Text } from '@mantine/core';
import { relayOrigin } from '../../app/api';
import { EXAMPLE_SETTINGS } from './policy-form';

export function ManagedSettingsHelp() {
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="xs">
        <Text size="sm">
          These are Claude Code’s managed settings — the contents of its <Code>managed-settings.json</Code>,
          which the person cannot override. The relay serves them at{' '}
          <Code>{relayOrigin}/managed/settings</Code> to Claude Code signed in to this relay with{' '}
          <Code>/login</Code> (and to a relay key’s owner), and the device picks up changes on its next poll.
          For example:
        </Text>
        <Code block>{EXAMPLE_SETTINGS}</Code>
        <Text size="sm">A person is served every policy that applies to them, merged in this order:</Text>
        <List size="sm" type="ordered" spacing={2}>
          <List.Item>Everyone</List.Item>
          <List.Item>Their role</List.Item>
          <List.Item>Their user groups, in name order</List.Item>
          <List.Item>The person themselves</List.Item>
        </List>
        <Text size="sm" c="dimmed">
          A later policy wins: objects (such as <Code>env</Code> or <Code>permissions</Code>) merge key by
          key, any other value — a list, a string, a number — is replaced whole.
        </Text>
      </Stack>
    </Paper>
  );
}
