// An editable list of from→to rows: an account's model mapping, or an Azure account's deployments.
import { Button, Fieldset, Group, Stack, Text, TextInput } from '@mantine/core';
import { newRow, type PairRow } from './account-form-values';

export function PairListEditor(props: {
  legend: string;
  description?: string;
  /** Names the row inputs: "Client model 2", "Upstream model 2". */
  fromLabel: string;
  toLabel: string;
  fromPlaceholder?: string;
  toPlaceholder?: string;
  addLabel: string;
  rows: PairRow[];
  onChange: (rows: PairRow[]) => void;
  /** The input path of the list (`modelMapping`): errors on `path.<index>.<field>` go beside that row. */
  path: string;
  /** The input's field names of a row, as the server names them in its errors. */
  fromField: string;
  toField: string;
  fieldErrors: Record<string, string>;
}) {
  const { rows, onChange, path, fieldErrors } = props;
  const update = (key: string, change: Partial<PairRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  // The server names a row by index (`modelMapping.0.from`) or, once turned into a record, by its key
  // (`deployments.gpt-4o`, a refused value); the latter goes beside that row's target.
  const keyedError = (row: PairRow) => fieldErrors[`${path}.${row.from.trim()}`];
  const rowMatched = rows.some((row) => keyedError(row) !== undefined);
  const listError = rowMatched
    ? undefined
    : Object.entries(fieldErrors).find(
        ([field]) =>
          field === path || (field.startsWith(`${path}.`) && !/^\d+\./.test(field.slice(path.length + 1))),
      )?.[1];
  return (
    <Fieldset legend={props.legend}>
      <Stack gap="xs">
        {props.description ? (
          <Text size="sm" c="dimmed">
            {props.description}
          </Text>
        ) : null}
        {rows.length === 0 ? (
          <Text size="sm" c="dimmed">
            None yet.
          </Text>
        ) : null}
        {rows.map((row, index) => (
          <Group key={row.key} gap="xs" align="flex-start" wrap="nowrap">
            <TextInput
              aria-label={`${props.fromLabel} ${index + 1}`}
              placeholder={props.fromPlaceholder ?? props.fromLabel}
              value={row.from}
              onChange={(event) => update(row.key, { from: event.currentTarget.value })}
              error={fieldErrors[`${path}.${index}.${props.fromField}`]}
              style={{ flex: 1 }}
            />
            <Text pt={6} aria-hidden="true">
              →
            </Text>
            <TextInput
              aria-label={`${props.toLabel} ${index + 1}`}
              placeholder={props.toPlaceholder ?? props.toLabel}
              value={row.to}
              onChange={(event) => update(row.key, { to: event.currentTarget.value })}
              error={fieldErrors[`${path}.${index}.${props.toField}`] ?? keyedError(row)}
              style={{ flex: 1 }}
            />
            <Button
              variant="subtle"
              color="red"
              size="sm"
              aria-label={`Remove row ${index + 1} of ${props.legend.toLowerCase()}`}
              onClick={() => onChange(rows.filter((other) => other.key !== row.key))}
            >
              Remove
            </Button>
          </Group>
        ))}
        {listError ? (
          <Text size="sm" c="red" role="alert">
            {listError}
          </Text>
        ) : null}
        <Group>
          <Button variant="light" size="xs" onClick={() => onChange([...rows, newRow()])}>
            {props.addLabel}
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}
