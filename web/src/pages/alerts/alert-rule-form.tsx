// Creates or edits an alert rule: name, condition of any kind with its settings, severity, cooldown (minutes in
// the form, ms to the API), the channels it notifies and whether it is on. Server errors stand beside the field.
import {
  type AlertRuleSummaryFragment,
  type AlertSeverity,
  CreateAlertRuleDocument,
  UpdateAlertRuleDocument,
} from '@clients/generated/graphql/graphql';
import { Button, Group, MultiSelect, NumberInput, Select, Stack, Switch, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { errorAt, showsError } from '../../components/field-errors';
import { ErrorNotice } from '../../components/page';
import {
  ALERT_KINDS,
  type ConditionValues,
  conditionFieldPaths,
  conditionInput,
  conditionValues,
  DEFAULT_CONDITION,
  KIND_LABELS,
  minutesToMs,
  missingConditionFields,
} from './alert-condition';
import { ConditionFields } from './condition-fields';

export interface ChannelOption {
  id: string;
  name: string;
  kind: string;
  enabled: boolean;
}

const KIND_OPTIONS = ALERT_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }));
const SEVERITY_OPTIONS: { value: AlertSeverity; label: string }[] = [
  { value: 'info', label: 'Info' },
  { value: 'warning', label: 'Warning' },
  { value: 'critical', label: 'Critical' },
];
const TOP_FIELDS = ['name', 'severity', 'cooldownMs', 'channelIds', 'enabled', 'condition'];
/** The API's default cooldown: 15 minutes. */
const DEFAULT_COOLDOWN_MINUTES = 15;

export function AlertRuleForm(props: {
  rule: AlertRuleSummaryFragment | undefined;
  channels: readonly ChannelOption[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { rule } = props;
  const create = useMutation(CreateAlertRuleDocument);
  const update = useMutation(UpdateAlertRuleDocument);
  const mutation = rule ? update : create;
  const [name, setName] = useState(rule?.name ?? '');
  const [severity, setSeverity] = useState<AlertSeverity>(rule?.severity ?? 'warning');
  const [cooldownMinutes, setCooldownMinutes] = useState<number | string>(
    rule ? rule.cooldownMs / 60_000 : DEFAULT_COOLDOWN_MINUTES,
  );
  const [channelIds, setChannelIds] = useState<string[]>(rule?.channelIds ?? []);
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [condition, setCondition] = useState<ConditionValues>(
    rule ? conditionValues(rule.condition) : DEFAULT_CONDITION,
  );
  const [missing, setMissing] = useState<Record<string, string>>({});
  const errors = { ...missing, ...mutation.fieldErrors };
  const error = (field: string) => errorAt(errors, field);

  const changeCondition = (patch: Partial<ConditionValues>) => {
    setCondition((current) => {
      const next = { ...current, ...patch };
      // Each kind takes its own scopes: switching kinds must not carry a scope the new kind refuses.
      if (patch.kind && next.kind === 'spend_anomaly' && next.scope === 'model') next.scope = 'global';
      if (patch.kind && next.kind !== 'spend_anomaly' && next.scope === 'key') next.scope = 'global';
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = missingConditionFields(condition);
    setMissing(found);
    if (Object.keys(found).length > 0) return;
    const input = {
      name: name.trim(),
      severity,
      enabled,
      channelIds,
      cooldownMs: minutesToMs(cooldownMinutes),
      condition: conditionInput(condition),
    };
    const saved = rule ? await update.run({ id: rule.id, input }) : await create.run({ input });
    if (saved) props.onSaved();
  };

  // Channels the rule names that no longer exist still show, so saving does not drop them unseen.
  const known = new Set(props.channels.map((channel) => channel.id));
  const channelData = [
    ...props.channels.map((channel) => ({
      value: channel.id,
      label: `${channel.name} (${channel.kind}${channel.enabled ? '' : ', disabled'})`,
    })),
    ...channelIds.filter((id) => !known.has(id)).map((id) => ({ value: id, label: `${id} (deleted)` })),
  ];
  const fieldPaths = [...TOP_FIELDS, ...conditionFieldPaths(condition.kind)];
  const unplaced =
    mutation.error && !showsError(mutation.fieldErrors, fieldPaths) ? mutation.error : undefined;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {unplaced ? <ErrorNotice error={unplaced} title="The rule was not saved" /> : null}
        <TextInput
          label="Name"
          required
          data-autofocus
          maxLength={100}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={error('name')}
        />
        <Select
          label="Condition type"
          data={KIND_OPTIONS}
          value={condition.kind}
          onChange={(kind) => {
            if (kind) changeCondition({ kind });
          }}
          allowDeselect={false}
          error={errors.condition}
        />
        <ConditionFields values={condition} onChange={changeCondition} errors={errors} />
        <Group grow align="flex-start">
          <Select
            label="Severity"
            data={SEVERITY_OPTIONS}
            value={severity}
            onChange={(value) => {
              if (value) setSeverity(value);
            }}
            allowDeselect={false}
            error={error('severity')}
          />
          <NumberInput
            label="Cooldown (minutes)"
            description="1 minute to 1 week (10080)"
            min={1}
            max={10_080}
            value={cooldownMinutes}
            onChange={setCooldownMinutes}
            error={error('cooldownMs')}
          />
        </Group>
        <MultiSelect
          label="Channels"
          description={
            props.channels.length === 0
              ? 'No channels yet: create one on the Channels page, then pick it here.'
              : 'Where the alert is sent (at most 20)'
          }
          placeholder={channelIds.length === 0 ? 'Pick channels' : undefined}
          data={channelData}
          value={channelIds}
          onChange={setChannelIds}
          maxValues={20}
          searchable
          disabled={channelData.length === 0}
          error={error('channelIds')}
        />
        <Switch
          label="Enabled"
          checked={enabled}
          onChange={(event) => setEnabled(event.currentTarget.checked)}
          error={error('enabled')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.running} disabled={mutation.running || !name.trim()}>
            {rule ? 'Save rule' : 'Create rule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
