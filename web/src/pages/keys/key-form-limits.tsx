// Role: the key form's limits section — concurrency and its queue, the rate window, and the cost limits, typed
// in dollars (the form turns them into the API's micro-dollars).
import type { RateWindowMode } from '@clients/generated/graphql/graphql';
import { Fieldset, NumberInput, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import {
  errorAt,
  type KeyFormValues,
  MODEL_FAMILIES,
  type NumberValue,
  type SectionProps,
} from './key-form-values';

const WINDOW_MODES: Array<{ value: RateWindowMode; label: string }> = [
  { value: 'sliding', label: 'Sliding' },
  { value: 'fixed', label: 'Fixed' },
];

/** The form's fields that each hold one limit. */
type LimitField =
  | 'concurrency'
  | 'queueWaiters'
  | 'queueWaitSeconds'
  | 'windowSeconds'
  | 'windowRequests'
  | 'windowTokens'
  | 'windowCostDollars'
  | 'dailyDollars'
  | 'weeklyDollars'
  | 'monthlyDollars'
  | 'totalDollars';

interface Limit {
  field: LimitField;
  label: string;
  description?: string;
  /** A cost in dollars; else a whole number from 1. */
  dollars?: boolean;
  /** The API paths whose errors show on it, the first one found. */
  paths: readonly string[];
}

const DOLLAR_INPUT = { prefix: '$', min: 0, decimalScale: 6, thousandSeparator: ',' } as const;
const WHOLE_INPUT = { min: 1, allowDecimal: false } as const;

function LimitInput(props: {
  label: string;
  value: NumberValue;
  onChange: (value: NumberValue) => void;
  error: string | undefined;
  description?: string | undefined;
  dollars?: boolean | undefined;
}) {
  return (
    <NumberInput
      label={props.label}
      description={props.description}
      placeholder="No limit"
      {...(props.dollars ? DOLLAR_INPUT : WHOLE_INPUT)}
      value={props.value}
      onChange={props.onChange}
      error={props.error}
    />
  );
}

const QUEUE_LIMITS: readonly Limit[] = [
  { field: 'concurrency', label: 'Concurrent requests', paths: ['limits.concurrency'] },
  {
    field: 'queueWaiters',
    label: 'Queue: waiting requests',
    description: 'Over the limit, wait for a slot.',
    paths: ['limits.queue.maxWaiters', 'limits.queue'],
  },
  { field: 'queueWaitSeconds', label: 'Queue: longest wait (seconds)', paths: ['limits.queue.maxWaitMs'] },
];

const WINDOW_SIZE: Limit = {
  field: 'windowSeconds',
  label: 'Rate window (seconds)',
  description: 'Set it to limit requests, tokens or cost per window.',
  paths: ['limits.window.seconds', 'limits.window.mode'],
};

const WINDOW_LIMITS: readonly Limit[] = [
  { field: 'windowRequests', label: 'Requests per window', paths: ['limits.window.requests'] },
  { field: 'windowTokens', label: 'Tokens per window', paths: ['limits.window.tokens'] },
  {
    field: 'windowCostDollars',
    label: 'Cost per window',
    dollars: true,
    paths: ['limits.window.costMicros'],
  },
];

const COST_LIMITS: readonly Limit[] = [
  { field: 'dailyDollars', label: 'Daily cost limit', dollars: true, paths: ['limits.dailyCostMicros'] },
  { field: 'weeklyDollars', label: 'Weekly cost limit', dollars: true, paths: ['limits.weeklyCostMicros'] },
  {
    field: 'monthlyDollars',
    label: 'Monthly cost limit',
    dollars: true,
    paths: ['limits.monthlyCostMicros'],
  },
  {
    field: 'totalDollars',
    label: 'Total cost limit',
    description: 'Never resets.',
    dollars: true,
    paths: ['limits.totalCostMicros'],
  },
];

export function LimitsSection({ values, change, errors }: SectionProps) {
  const input = (limit: Limit) => (
    <LimitInput
      key={limit.field}
      label={limit.label}
      description={limit.description}
      dollars={limit.dollars}
      value={values[limit.field]}
      onChange={(value) => {
        const patch: Partial<KeyFormValues> = {};
        patch[limit.field] = value;
        change(patch);
      }}
      error={limit.paths.map((path) => errorAt(errors, path)).find((error) => error !== undefined)}
    />
  );
  return (
    <Fieldset legend="Limits">
      <Stack gap="md">
        <Text size="xs" c="dimmed">
          Leave a limit empty for none. Cost limits are in US dollars.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>{QUEUE_LIMITS.map(input)}</SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {input(WINDOW_SIZE)}
          <Select
            label="Window mode"
            description="Sliding: the last N seconds. Fixed: resets every N seconds."
            data={WINDOW_MODES}
            value={values.windowMode}
            onChange={(windowMode) => change({ windowMode: windowMode ?? 'sliding' })}
            allowDeselect={false}
          />
          {WINDOW_LIMITS.map(input)}
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 4 }}>{COST_LIMITS.map(input)}</SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {MODEL_FAMILIES.map((family) => (
            <LimitInput
              key={family}
              label={`Weekly ${family} cost limit`}
              dollars
              value={values.familyDollars[family]}
              onChange={(value) => change({ familyDollars: { ...values.familyDollars, [family]: value } })}
              error={errorAt(errors, `limits.weeklyCostMicrosByFamily.${family}`)}
            />
          ))}
        </SimpleGrid>
      </Stack>
    </Fieldset>
  );
}
