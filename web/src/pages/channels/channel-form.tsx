// Creates a channel of any kind, or edits one (the kind stays); server errors stand beside the setting named.
import {
  CreateNotificationChannelDocument,
  type NotificationChannelKind,
  UpdateNotificationChannelDocument,
} from '@clients/generated/graphql/graphql';
import { Button, Group, Select, Stack, Switch, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { errorAt, showsError } from '../../components/field-errors';
import { ErrorNotice } from '../../components/page';
import {
  CHANNEL_KINDS,
  type Channel,
  createInput,
  KIND_LABELS,
  KIND_SETTINGS,
  type SettingValues,
  settingValues,
  updateInput,
} from './channel-kinds';
import { ChannelSettingsFields } from './channel-settings-fields';

const KIND_OPTIONS = CHANNEL_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }));

export interface SavedChannel {
  channel: Channel;
  /** A webhook created without a secret gets one generated, shown this once. */
  signingSecret?: string | null;
}

export function ChannelForm(props: {
  channel: Channel | undefined;
  onSaved: (saved: SavedChannel) => void;
  onCancel?: () => void;
}) {
  const { channel } = props;
  const create = useMutation(CreateNotificationChannelDocument);
  const update = useMutation(UpdateNotificationChannelDocument);
  const mutation = channel ? update : create;
  const [kind, setKind] = useState<NotificationChannelKind>(channel?.kind ?? 'webhook');
  const [name, setName] = useState(channel?.name ?? '');
  const [enabled, setEnabled] = useState(channel?.enabled ?? true);
  const [values, setValues] = useState<SettingValues>(() => settingValues(channel));
  const specs = KIND_SETTINGS[kind];
  const error = (field: string) => errorAt(mutation.fieldErrors, field);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const common = { name, enabled };
    if (channel) {
      const updated = await update.run({ id: channel.id, input: updateInput(channel, common, values) });
      if (updated) props.onSaved({ channel: updated.updateNotificationChannel });
    } else {
      const created = await create.run({ input: createInput(kind, common, values) });
      if (created) props.onSaved(created.createNotificationChannel);
    }
  };

  const shown = ['name', 'enabled', 'kind', ...specs.map((spec) => spec.field)];
  const unplaced = mutation.error && !showsError(mutation.fieldErrors, shown) ? mutation.error : undefined;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {unplaced ? <ErrorNotice error={unplaced} title="The channel was not saved" /> : null}
        <Select
          label="Kind"
          data={KIND_OPTIONS}
          value={kind}
          onChange={(value) => {
            if (value) setKind(value);
          }}
          allowDeselect={false}
          disabled={channel !== undefined}
          description={channel ? 'The kind cannot change; create a new channel instead.' : undefined}
          error={error('kind')}
        />
        <TextInput
          label="Name"
          required
          data-autofocus
          maxLength={100}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={error('name')}
        />
        <ChannelSettingsFields
          specs={specs}
          values={values}
          onChange={(patch) => setValues((current) => ({ ...current, ...patch }))}
          errors={mutation.fieldErrors}
          channel={channel}
        />
        <Switch
          label="Enabled"
          description="Disabled channels get no alerts; test sends still reach them."
          checked={enabled}
          onChange={(event) => setEnabled(event.currentTarget.checked)}
          error={error('enabled')}
        />
        <Group justify="flex-end">
          {props.onCancel ? (
            <Button variant="default" onClick={props.onCancel}>
              Cancel
            </Button>
          ) : null}
          <Button type="submit" loading={mutation.running} disabled={mutation.running || !name.trim()}>
            {channel ? 'Save channel' : 'Create channel'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
