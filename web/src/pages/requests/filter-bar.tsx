// Any signed-in user: the request log's filter form. The common fields show; the rest fold away.
import { Button, Collapse, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import {
  countSet,
  emptyValues,
  type FilterField,
  type FilterValues,
  OUTCOMES,
  READER_FIELDS,
} from './request-filter';

const CLIENT_KINDS = ['claude-code', 'codex', 'gemini-cli', 'droid'];

interface FieldSpec {
  field: FilterField;
  label: string;
  placeholder?: string;
  type?: 'number' | 'datetime-local';
  step?: string;
}

const MODEL: FieldSpec = { field: 'model', label: 'Model', placeholder: 'asked for or served' };

const MAIN: readonly FieldSpec[] = [
  { field: 'status', label: 'HTTP status', type: 'number', placeholder: '429' },
  { field: 'keyId', label: 'Key id' },
  { field: 'requestId', label: 'Request id', placeholder: 'x-request-id' },
  { field: 'text', label: 'Error words', placeholder: 'all words must appear' },
];

/** The folded fields before the client kind select, and after it. */
const MORE_BEFORE: readonly FieldSpec[] = [
  { field: 'accountId', label: 'Account id' },
  { field: 'userId', label: 'User id' },
  { field: 'platform', label: 'Platform', placeholder: 'anthropic, openai, …' },
  { field: 'clientFormat', label: 'Client format', placeholder: 'the API the client spoke' },
  { field: 'upstreamFormat', label: 'Upstream format', placeholder: 'the API the account was sent' },
];

const MORE_AFTER: readonly FieldSpec[] = [
  { field: 'errorCode', label: 'Error code' },
  { field: 'clientRequestId', label: 'Client request id' },
  { field: 'minLatencyMs', label: 'Min latency (ms)', type: 'number' },
  { field: 'minTtftMs', label: 'Min time to first token (ms)', type: 'number' },
  { field: 'minCostUsd', label: 'Min cost (USD)', type: 'number', step: 'any' },
  { field: 'minTokens', label: 'Min tokens (in + out, cache included)', type: 'number' },
  { field: 'minAttempts', label: 'Min attempts', type: 'number' },
  { field: 'from', label: 'From', type: 'datetime-local' },
  { field: 'to', label: 'To', type: 'datetime-local' },
];

const MORE_FIELDS: readonly FilterField[] = [
  ...MORE_BEFORE.map((spec) => spec.field),
  'clientKind',
  ...MORE_AFTER.map((spec) => spec.field),
];

export function FilterBar(props: {
  initial: FilterValues;
  reader: boolean;
  errors: Partial<Record<FilterField, string>>;
  onApply: (values: FilterValues) => void;
}) {
  const [values, setValues] = useState(props.initial);
  const hidden = (field: FilterField) => !props.reader && READER_FIELDS.includes(field);
  const moreSet = countSet(
    values,
    MORE_FIELDS.filter((field) => !hidden(field)),
  );
  // Opened at first when a shared link carries one of the folded filters, so nothing narrows out of sight.
  const [more, { toggle }] = useDisclosure(moreSet > 0);
  const set = (field: FilterField, value: string) => setValues((current) => ({ ...current, [field]: value }));
  const input = (spec: FieldSpec) =>
    hidden(spec.field) ? null : (
      <TextInput
        key={spec.field}
        label={spec.label}
        placeholder={spec.placeholder}
        type={spec.type}
        step={spec.step}
        min={spec.type === 'number' ? 0 : undefined}
        value={values[spec.field]}
        error={props.errors[spec.field]}
        onChange={(event) => set(spec.field, event.currentTarget.value)}
      />
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onApply(values);
  };
  return (
    <form onSubmit={submit} aria-label="Filter requests">
      <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} spacing="sm">
        {input(MODEL)}
        <Select
          label="Outcome"
          placeholder="any"
          data={OUTCOMES.map((outcome) => ({ value: outcome, label: outcome.replace('_', ' ') }))}
          value={values.outcome || null}
          error={props.errors.outcome}
          onChange={(value) => set('outcome', value ?? '')}
          clearable
        />
        {MAIN.map(input)}
      </SimpleGrid>
      <Collapse expanded={more}>
        <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} spacing="sm" mt="sm">
          {MORE_BEFORE.map(input)}
          <Select
            label="Client kind"
            placeholder="any"
            data={CLIENT_KINDS}
            value={values.clientKind || null}
            error={props.errors.clientKind}
            onChange={(value) => set('clientKind', value ?? '')}
            clearable
          />
          {MORE_AFTER.map(input)}
        </SimpleGrid>
      </Collapse>
      <Group mt="sm" gap="xs">
        <Button type="submit">Apply filters</Button>
        <Button
          variant="default"
          onClick={() => {
            setValues(emptyValues());
            props.onApply(emptyValues());
          }}
        >
          Clear
        </Button>
        <Button variant="subtle" onClick={toggle} aria-expanded={more}>
          {more ? 'Fewer filters' : `More filters${moreSet > 0 ? ` (${moreSet})` : ''}`}
        </Button>
      </Group>
    </form>
  );
}
