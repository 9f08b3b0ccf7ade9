// A channel's settings as stored: readable settings, which secrets it holds (with what may be shown of them).
import { Badge, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatTime } from '../../components/format';
import { type Channel, KIND_LABELS, KIND_SETTINGS, storedSecretText } from './channel-kinds';

export function ChannelSettingsCard({ channel }: { channel: Channel }) {
  const settings = channel.settings;
  const readable = KIND_SETTINGS[channel.kind].filter((spec) => !spec.secret);
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h4" mb="sm">
        Settings
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" data-testid="channel-settings">
        <Item label="Kind">{KIND_LABELS[channel.kind]}</Item>
        <Item label="Enabled">
          <Badge color={channel.enabled ? 'green' : 'gray'} variant="light">
            {channel.enabled ? 'On' : 'Off: no alerts, tests still go'}
          </Badge>
        </Item>
        {readable.map((spec) => {
          const value = spec.field === 'to' ? settings.to?.join(', ') : settingText(channel, spec.field);
          return (
            <Item key={spec.field} label={spec.label}>
              {value || '—'}
            </Item>
          );
        })}
        {KIND_SETTINGS[channel.kind]
          .filter((spec) => spec.secret)
          .map((spec) => {
            const stored = channel.secrets.find((secret) => secret.field === spec.field);
            return (
              <Item key={spec.field} label={spec.label}>
                {storedSecretText(stored)}
              </Item>
            );
          })}
        <Item label="Created">{formatTime(channel.createdAt)}</Item>
        <Item label="Updated">{formatTime(channel.updatedAt)}</Item>
      </SimpleGrid>
    </Paper>
  );
}

function settingText(channel: Channel, field: string): string | undefined {
  const value = Object.entries(channel.settings).find(([key]) => key === field)?.[1];
  return value === null || value === undefined ? undefined : String(value);
}

function Item(props: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {props.label}
      </Text>
      {typeof props.children === 'string' ? (
        <Text size="sm" style={{ wordBreak: 'break-all' }}>
          {props.children}
        </Text>
      ) : (
        props.children
      )}
    </Stack>
  );
}
