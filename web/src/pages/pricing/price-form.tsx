// Admins and operators: set a model's price override, in USD per million tokens as the API takes it.
import { PricingPageSetDocument, type UnitPricesInput } from '@clients/generated/graphql/graphql';
import {
  Button,
  Fieldset,
  Group,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMutation } from '../../app/use-graphql';
import { ErrorNotice } from '../../components/page';

type PriceField = keyof UnitPricesInput;

const PRICE_FIELDS: readonly { field: PriceField; label: string }[] = [
  { field: 'input', label: 'Input price' },
  { field: 'output', label: 'Output price' },
  { field: 'cacheRead', label: 'Cache read price' },
  { field: 'cacheWrite5m', label: 'Cache write price (5 min)' },
  { field: 'cacheWrite1h', label: 'Cache write price (1 hour)' },
];

/** Cache prices as multiples of the input price, as Anthropic bills them: a starting point, not a rule. */
const CACHE_RATIOS: Readonly<Record<'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h', number>> = {
  cacheRead: 0.1,
  cacheWrite5m: 1.25,
  cacheWrite1h: 2,
};

export interface PriceDraft {
  model: string;
  prices?: UnitPricesInput;
}

type Values = Record<PriceField, number | string>;

function valuesOf(prices: UnitPricesInput | undefined): Values {
  return {
    input: prices?.input ?? '',
    output: prices?.output ?? '',
    cacheRead: prices?.cacheRead ?? '',
    cacheWrite5m: prices?.cacheWrite5m ?? '',
    cacheWrite1h: prices?.cacheWrite1h ?? '',
  };
}

export function PriceForm(props: {
  initial: PriceDraft;
  onSaved: (model: string) => void;
  onCancel: () => void;
}) {
  const [model, setModel] = useState(props.initial.model);
  const [values, setValues] = useState<Values>(valuesOf(props.initial.prices));
  const [missing, setMissing] = useState<Partial<Record<PriceField | 'model', string>>>({});
  const save = useMutation(PricingPageSetDocument);
  const editing = props.initial.prices !== undefined;

  const set = (field: PriceField, value: number | string) =>
    setValues((current) => ({ ...current, [field]: value }));
  const fillCache = () => {
    if (typeof values.input !== 'number') return;
    const input = values.input;
    setValues((current) => ({
      ...current,
      cacheRead: round(input * CACHE_RATIOS.cacheRead),
      cacheWrite5m: round(input * CACHE_RATIOS.cacheWrite5m),
      cacheWrite1h: round(input * CACHE_RATIOS.cacheWrite1h),
    }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Partial<Record<PriceField | 'model', string>> = {};
    if (model.trim() === '') problems.model = 'Name a model, or a prefix ending in *';
    const prices: Partial<UnitPricesInput> = {};
    for (const { field } of PRICE_FIELDS) {
      const value = values[field];
      if (typeof value === 'number') prices[field] = value;
      else problems[field] = 'Required (0 when free)';
    }
    setMissing(problems);
    if (Object.keys(problems).length > 0 || !isComplete(prices)) return;
    const saved = await save.run({ model: model.trim(), prices });
    if (saved) props.onSaved(saved.setPriceOverride.model);
  };

  // Prices are validated one by one (their own path); the model pattern alone, so its error has no path.
  const fieldError = (field: PriceField | 'model'): string | undefined =>
    missing[field] ??
    save.fieldErrors[field] ??
    save.fieldErrors[`prices.${field}`] ??
    (field === 'model' ? save.fieldErrors['(input)'] : undefined);
  const formFields: readonly (PriceField | 'model')[] = ['model', ...PRICE_FIELDS.map((spec) => spec.field)];
  const shownBesideField = formFields.some((field) => fieldError(field) !== undefined);

  return (
    <Paper withBorder p="md" radius="md">
      <form onSubmit={submit} aria-label="Price override">
        <Stack gap="sm">
          <Title order={4}>{editing ? `Change the price of ${props.initial.model}` : 'Set a price'}</Title>
          <Text size="sm" c="dimmed">
            Prices are in US dollars per million tokens. An override replaces the catalog's price for matching
            models from the next request on; past requests keep the cost they were recorded with.
          </Text>
          <TextInput
            label="Model"
            description="An exact model name, or a prefix ending in * (claude-sonnet-4*)"
            value={model}
            onChange={(event) => setModel(event.currentTarget.value)}
            error={fieldError('model')}
            readOnly={editing}
            required
          />
          <Fieldset legend="Prices, in US dollars per million tokens" variant="unstyled">
            <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} spacing="sm">
              {PRICE_FIELDS.map(({ field, label }) => (
                <NumberInput
                  key={field}
                  label={label}
                  value={values[field]}
                  onChange={(value) => set(field, value)}
                  error={fieldError(field)}
                  min={0}
                  decimalScale={6}
                  prefix="$"
                  hideControls
                  required
                />
              ))}
            </SimpleGrid>
          </Fieldset>
          <Group gap="xs">
            <Button type="submit" loading={save.running} disabled={save.running}>
              {editing ? 'Save price' : 'Set price'}
            </Button>
            <Button variant="default" onClick={props.onCancel} disabled={save.running}>
              {editing ? 'Cancel' : 'Clear'}
            </Button>
            <Tooltip label="Cache read ×0.1, 5-minute write ×1.25, 1-hour write ×2 the input price, as Anthropic bills them">
              <Button variant="subtle" onClick={fillCache} disabled={typeof values.input !== 'number'}>
                Fill cache prices from input
              </Button>
            </Tooltip>
          </Group>
          {save.error && !shownBesideField ? <ErrorNotice error={save.error} /> : null}
        </Stack>
      </form>
    </Paper>
  );
}

function isComplete(prices: Partial<UnitPricesInput>): prices is UnitPricesInput {
  return PRICE_FIELDS.every(({ field }) => typeof prices[field] === 'number');
}

/** Float noise (0.1 × 3 = 0.30000000000000004) kept out of the form. */
function round(value: number): number {
  return Math.round(value * 1_000_000) / 1_000_000;
}
