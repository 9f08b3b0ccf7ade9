// Role: the key form's limits section — concurrency and its queue, the rate window, and the cost limits, typed
// in dollars (the form turns them into the API's micro-dollars).
import type { RateWindowMode } from '@clients/generated/graphql/graphql';
import { Fieldset, NumberInput, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { errorAt, MODEL_FAMILIES, type NumberValue, type SectionProps } from './key-form-values';

const WINDOW_MODES: Array<{ value: RateWindowMode; label: string }> = [
  { value: 'sliding', label: 'Sliding' },
  { value: 'fixed', label: 'Fixed' },
];

function Dollars(props: {
  label: string;
  value: NumberValue;
  onChange: (value: NumberValue) => void;
  error: string | undefined;
  description?: string;
}) {
  return (
    <NumberInput
      label={props.label}
      description={props.description}
      placeholder="No limit"
      prefix="$"
      min={0}
      decimalScale={6}
      thousandSeparator=","
      value={props.value}
      onChange={props.onChange}
      error={props.error}
    />
  );
}

function Whole(props: {
  label: string;
  value: NumberValue;
  onChange: (value: NumberValue) => void;
  error: string | undefined;
  description?: string;
}) {
  return (
    <NumberInput
      label={props.label}
      description={props.description}
      placeholder="No limit"
      min={1}
      allowDecimal={false}
      value={props.value}
      onChange={props.onChange}
      error={props.error}
    />
  );
}

export function LimitsSection({ values, change, errors }: SectionProps) {
  return (
    <Fieldset legend="Limits">
      <Stack gap="md">
        <Text size="xs" c="dimmed">
          Leave a limit empty for none. Cost limits are in US dollars.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Whole
            label="Concurrent requests"
            value={values.concurrency}
            onChange={(concurrency) => change({ concurrency })}
            error={errorAt(errors, 'limits.concurrency')}
          />
          <Whole
            label="Queue: waiting requests"
            description="Over the limit, wait for a slot."
            value={values.queueWaiters}
            onChange={(queueWaiters) => change({ queueWaiters })}
            error={errorAt(errors, 'limits.queue.maxWaiters') ?? errorAt(errors, 'limits.queue')}
          />
          <Whole
            label="Queue: longest wait (seconds)"
            value={values.queueWaitSeconds}
            onChange={(queueWaitSeconds) => change({ queueWaitSeconds })}
            error={errorAt(errors, 'limits.queue.maxWaitMs')}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Whole
            label="Rate window (seconds)"
            description="Set it to limit requests, tokens or cost per window."
            value={values.windowSeconds}
            onChange={(windowSeconds) => change({ windowSeconds })}
            error={errorAt(errors, 'limits.window.seconds') ?? errorAt(errors, 'limits.window.mode')}
          />
          <Select
            label="Window mode"
            description="Sliding: the last N seconds. Fixed: resets every N seconds."
            data={WINDOW_MODES}
            value={values.windowMode}
            onChange={(windowMode) => change({ windowMode: windowMode ?? 'sliding' })}
            allowDeselect={false}
          />
          <Whole
            label="Requests per window"
            value={values.windowRequests}
            onChange={(windowRequests) => change({ windowRequests })}
            error={errorAt(errors, 'limits.window.requests')}
          />
          <Whole
            label="Tokens per window"
            value={values.windowTokens}
            onChange={(windowTokens) => change({ windowTokens })}
            error={errorAt(errors, 'limits.window.tokens')}
          />
          <Dollars
            label="Cost per window"
            value={values.windowCostDollars}
            onChange={(windowCostDollars) => change({ windowCostDollars })}
            error={errorAt(errors, 'limits.window.costMicros')}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 4 }}>
          <Dollars
            label="Daily cost limit"
            value={values.dailyDollars}
            onChange={(dailyDollars) => change({ dailyDollars })}
            error={errorAt(errors, 'limits.dailyCostMicros')}
          />
          <Dollars
            label="Weekly cost limit"
            value={values.weeklyDollars}
            onChange={(weeklyDollars) => change({ weeklyDollars })}
            error={errorAt(errors, 'limits.weeklyCostMicros')}
          />
          <Dollars
            label="Monthly cost limit"
            value={values.monthlyDollars}
            onChange={(monthlyDollars) => change({ monthlyDollars })}
            error={errorAt(errors, 'limits.monthlyCostMicros')}
          />
          <Dollars
            label="Total cost limit"
            description="Never resets."
            value={values.totalDollars}
            onChange={(totalDollars) => change({ totalDollars })}
            error={errorAt(errors, 'limits.totalCostMicros')}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {MODEL_FAMILIES.map((family) => (
            <Dollars
              key={family}
              label={`Weekly ${family} cost limit`}
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
