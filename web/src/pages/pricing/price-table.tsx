// Readers: the price overrides; admins and operators also get Change and Remove on each.
import type { PricingPageOverrideFragment } from '@clients/generated/graphql/graphql';
import { Button, Group, Table, Text } from '@mantine/core';
import { formatRelative, formatTime } from '../../components/format';

export type Override = PricingPageOverrideFragment;

/** USD per million tokens, written as the schema gives it: up to six decimals, no trailing zeros. */
export function formatPrice(value: number): string {
  return `$${Number(value.toFixed(6)).toString()}`;
}

export function PriceTable(props: {
  overrides: readonly Override[];
  canManage: boolean;
  onEdit: (override: Override) => void;
  onRemove: (override: Override) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={props.canManage ? 900 : 760}>
      <Table verticalSpacing="xs" aria-label="Price overrides">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Model</Table.Th>
            <Table.Th>Input</Table.Th>
            <Table.Th>Output</Table.Th>
            <Table.Th>Cache read</Table.Th>
            <Table.Th>Cache write 5 min</Table.Th>
            <Table.Th>Cache write 1 hour</Table.Th>
            <Table.Th>Changed</Table.Th>
            {props.canManage ? <Table.Th aria-label="Actions" /> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.overrides.map((override) => (
            <Table.Tr key={override.model} data-model={override.model}>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {override.model}
                </Text>
              </Table.Td>
              <Table.Td>{formatPrice(override.input)}</Table.Td>
              <Table.Td>{formatPrice(override.output)}</Table.Td>
              <Table.Td>{formatPrice(override.cacheRead)}</Table.Td>
              <Table.Td>{formatPrice(override.cacheWrite5m)}</Table.Td>
              <Table.Td>{formatPrice(override.cacheWrite1h)}</Table.Td>
              <Table.Td>
                <Text size="sm" title={formatTime(override.updatedAt)}>
                  {formatRelative(override.updatedAt)}
                </Text>
              </Table.Td>
              {props.canManage ? (
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => props.onEdit(override)}
                      aria-label={`Change the price of ${override.model}`}
                    >
                      Change
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      onClick={() => props.onRemove(override)}
                      aria-label={`Remove the price override of ${override.model}`}
                    >
                      Remove
                    </Button>
                  </Group>
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
