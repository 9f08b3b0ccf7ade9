// The settings of the chosen condition kind, each with the server's error for it (`condition.<field>`).
import type { AlertScope } from '@clients/generated/graphql/graphql';
import { MultiSelect, NumberInput, Select, SimpleGrid, Text, TextInput } from '@mantine/core';
import { errorAt } from '../../components/field-errors';
import {
  type ConditionValues,
  KIND_DESCRIPTIONS,
  KIND_SCOPES,
  STATE_LABELS,
  WATCHED_STATES,
} from './alert-condition';

interface Props {
  values: ConditionValues;
  onChange: (patch: Partial<ConditionValues>) => void;
  errors: Record<string, string>;
}

const STATE_OPTIONS = WATCHED_STATES.map((state) => ({ value: state, label: STATE_LABELS[state] }));

/** The relay's platforms (the server's list; the schema types the field as a string). */
const PLATFORMS = ['claude', 'openai', 'gemini', 'azure', 'droid'];

const SCOPE_LABELS: Record<AlertScope, string> = {
  global: 'All traffic together',
  account: 'Each account',
  model: 'Each model',
  key: 'Each key',
};

const SUBJECT_LABELS: Record<AlertScope, string> = {
  global: '',
  account: 'Only this account id',
  model: 'Only this model',
  key: 'Only this key id',
};

export function ConditionFields({ values, onChange, errors }: Props) {
  const error = (field: string) => errorAt(errors, `condition.${field}`);
  const scopes = KIND_SCOPES[values.kind];
  return (
    <>
      <Text size="sm" c="dimmed">
        {KIND_DESCRIPTIONS[values.kind]}
      </Text>
      {values.kind === 'account_state' ? (
        <>
          <MultiSelect
            label="Account states"
            data={STATE_OPTIONS}
            value={values.states}
            onChange={(states) => onChange({ states })}
            error={error('states')}
            required
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Only this account id"
              description="Empty: every account"
              value={values.accountId}
              onChange={(event) => onChange({ accountId: event.currentTarget.value })}
              error={error('accountId')}
            />
            <Select
              label="Only this platform"
              description="Empty: every platform"
              placeholder="Every platform"
              data={PLATFORMS}
              value={values.platform || null}
              onChange={(platform) => onChange({ platform: platform ?? '' })}
              clearable
              error={error('platform')}
            />
          </SimpleGrid>
        </>
      ) : null}
      {values.kind === 'key_limit' ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput
            label="Share of a limit used (%)"
            description="1 to 100"
            min={1}
            max={100}
            value={values.percent}
            onChange={(percent) => onChange({ percent })}
            error={error('percent')}
            required
          />
          <TextInput
            label="Only this key id"
            description="Empty: every key"
            value={values.keyId}
            onChange={(event) => onChange({ keyId: event.currentTarget.value })}
            error={error('keyId')}
          />
        </SimpleGrid>
      ) : null}
      {values.kind === 'error_rate' ? (
        <NumberInput
          label="Error rate threshold (%)"
          description="The share of requests ending in an upstream error, above 0 and at most 100 %"
          min={0}
          max={100}
          decimalScale={4}
          value={values.thresholdPercent}
          onChange={(thresholdPercent) => onChange({ thresholdPercent })}
          error={error('threshold')}
          required
        />
      ) : null}
      {values.kind === 'latency_p95' ? (
        <NumberInput
          label="Latency threshold (ms)"
          description="The 95th percentile of request durations"
          min={1}
          allowDecimal={false}
          value={values.thresholdMs}
          onChange={(thresholdMs) => onChange({ thresholdMs })}
          error={error('thresholdMs')}
          required
        />
      ) : null}
      {values.kind === 'spend_anomaly' ? (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NumberInput
            label="Factor"
            description="Times the trailing average"
            min={0}
            decimalScale={2}
            value={values.factor}
            onChange={(factor) => onChange({ factor })}
            error={error('factor')}
          />
          <NumberInput
            label="Trailing hours"
            description="The average's window"
            min={1}
            allowDecimal={false}
            value={values.trailingHours}
            onChange={(trailingHours) => onChange({ trailingHours })}
            error={error('trailingHours')}
          />
          <NumberInput
            label="Minimum spend (USD)"
            description="This hour's spend at least"
            min={0}
            decimalScale={2}
            prefix="$"
            value={values.minCostDollars}
            onChange={(minCostDollars) => onChange({ minCostDollars })}
            error={error('minCostMicros')}
          />
        </SimpleGrid>
      ) : null}
      {scopes ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Scope"
            data={scopes.map((scope) => ({ value: scope, label: SCOPE_LABELS[scope] }))}
            value={values.scope}
            onChange={(scope) => {
              if (scope) onChange({ scope });
            }}
            allowDeselect={false}
            error={error('scope')}
          />
          {values.scope === 'global' ? null : (
            <TextInput
              label={SUBJECT_LABELS[values.scope]}
              description={`Empty: ${SCOPE_LABELS[values.scope].toLowerCase()} on its own`}
              value={values.subject}
              onChange={(event) => onChange({ subject: event.currentTarget.value })}
              error={error('subject')}
            />
          )}
        </SimpleGrid>
      ) : null}
      {values.kind === 'error_rate' || values.kind === 'latency_p95' ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput
            label="Window (minutes)"
            description="1 to 1440"
            min={1}
            max={1440}
            value={values.windowMinutes}
            onChange={(windowMinutes) => onChange({ windowMinutes })}
            error={error('windowMs')}
          />
          <NumberInput
            label="Minimum requests"
            description="Fewer in the window decide nothing"
            min={1}
            allowDecimal={false}
            value={values.minRequests}
            onChange={(minRequests) => onChange({ minRequests })}
            error={error('minRequests')}
          />
        </SimpleGrid>
      ) : null}
      {error('leak') ? (
        <Text size="sm" c="red">
          {error('leak')}
        </Text>
      ) : null}
    </>
  );
}
