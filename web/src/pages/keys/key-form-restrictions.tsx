// Role: the key form's expiry and restriction sections — when the key stops working, which pools, clients
// and models it may use, and what each model is served as.
import type { ApiKeyExpiryKind } from '@clients/generated/graphql/graphql';
import {
  Button,
  Fieldset,
  Group,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { CLIENT_KINDS, errorAt, PLATFORMS, type SectionProps } from './key-form-values';

const EXPIRY_KINDS: Array<{ value: ApiKeyExpiryKind; label: string }> = [
  { value: 'never', label: 'Never' },
  { value: 'fixed', label: 'At a set time' },
  { value: 'after_first_use', label: 'After first use' },
];

export function ExpirySection({ values, change, errors }: SectionProps) {
  return (
    <Fieldset legend="Expiry">
      <Stack gap="sm">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="key-expiry-kind">
            Expires
          </Text>
          <SegmentedControl
            aria-labelledby="key-expiry-kind"
            data={EXPIRY_KINDS}
            value={values.expiryKind}
            onChange={(expiryKind) => change({ expiryKind })}
          />
          {errorAt(errors, 'expiry.kind') ? (
            <Text c="red" size="xs">
              {errorAt(errors, 'expiry.kind')}
            </Text>
          ) : null}
        </Stack>
        {values.expiryKind === 'fixed' ? (
          <TextInput
            type="datetime-local"
            label="Expires at"
            description="In your browser's time zone."
            required
            value={values.expiresAt}
            onChange={(event) => change({ expiresAt: event.currentTarget.value })}
            error={errorAt(errors, 'expiry.expiresAt')}
          />
        ) : null}
        {values.expiryKind === 'after_first_use' ? (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput
              label="Active for (days)"
              description="Counted from the first request the key serves."
              min={0}
              allowDecimal={false}
              value={values.activeDays}
              onChange={(activeDays) => change({ activeDays })}
              error={errorAt(errors, 'expiry.durationSeconds')}
            />
            <NumberInput
              label="And hours"
              min={0}
              max={23}
              allowDecimal={false}
              value={values.activeHours}
              onChange={(activeHours) => change({ activeHours })}
            />
          </SimpleGrid>
        ) : null}
      </Stack>
    </Fieldset>
  );
}

export function RestrictionsSection({ values, change, errors }: SectionProps) {
  const mapping = values.modelMapping;
  const setPair = (index: number, pair: { from: string; to: string }) =>
    change({ modelMapping: mapping.map((old, at) => (at === index ? pair : old)) });
  // An error naming a row shows on that row; one naming a model (`modelMapping.gpt-4`) shows below them all.
  const rowError = mapping.some((_, index) => errorAt(errors, `modelMapping.${index}`));
  return (
    <Fieldset legend="Restrictions">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <MultiSelect
            label="Platforms"
            description="Empty: every platform."
            data={[...PLATFORMS]}
            value={values.platforms}
            onChange={(platforms) => change({ platforms })}
            error={errorAt(errors, 'platforms')}
            clearable
          />
          <MultiSelect
            label="Clients"
            description="Empty: any client."
            data={[...CLIENT_KINDS]}
            value={values.clients}
            onChange={(clients) => change({ clients })}
            error={errorAt(errors, 'clients')}
            clearable
          />
          <TagsInput
            label="Allowed models"
            description="Model names; end one in * for a prefix. Empty: every model. Press Enter after each."
            value={values.modelAllow}
            onChange={(modelAllow) => change({ modelAllow })}
            error={errorAt(errors, 'modelAllow')}
            clearable
          />
          <TagsInput
            label="Denied models"
            description="Refused even when allowed above. Press Enter after each."
            value={values.modelDeny}
            onChange={(modelDeny) => change({ modelDeny })}
            error={errorAt(errors, 'modelDeny')}
            clearable
          />
        </SimpleGrid>
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            Model mapping
          </Text>
          <Text size="xs" c="dimmed">
            A request for the first model is served, restricted and billed as the second.
          </Text>
          {mapping.map((pair, index) => (
            // Rows have no identity of their own; the position is what the inputs' labels name too.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <Group key={index} align="flex-end" gap="xs" wrap="nowrap">
              <TextInput
                label={`Requested model ${index + 1}`}
                value={pair.from}
                onChange={(event) => setPair(index, { ...pair, from: event.currentTarget.value })}
                error={errorAt(errors, `modelMapping.${index}.from`)}
                style={{ flex: 1 }}
              />
              <TextInput
                label={`Served as ${index + 1}`}
                value={pair.to}
                onChange={(event) => setPair(index, { ...pair, to: event.currentTarget.value })}
                error={errorAt(errors, `modelMapping.${index}.to`)}
                style={{ flex: 1 }}
              />
              <Button
                variant="subtle"
                color="red"
                onClick={() => change({ modelMapping: mapping.filter((_, at) => at !== index) })}
                aria-label={`Remove mapping ${index + 1}`}
              >
                Remove
              </Button>
            </Group>
          ))}
          {errorAt(errors, 'modelMapping') && !rowError ? (
            <Text c="red" size="xs">
              {errorAt(errors, 'modelMapping')}
            </Text>
          ) : null}
          <Group>
            <Button
              variant="light"
              size="xs"
              onClick={() => change({ modelMapping: [...mapping, { from: '', to: '' }] })}
            >
              Add mapping
            </Button>
          </Group>
        </Stack>
      </Stack>
    </Fieldset>
  );
}
