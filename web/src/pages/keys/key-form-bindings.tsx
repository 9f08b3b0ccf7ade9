// Role: the key form's binding and logging sections — which account or group serves the key on each platform,
// what happens when it cannot, and whether the request log keeps the key's bodies.
import type { KeysPageBindingTargetsQuery } from '@clients/generated/graphql/graphql';
import { Fieldset, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type BindingValue, errorAt, PLATFORMS, type Platform, type SectionProps } from './key-form-values';

export type BindingTargets = KeysPageBindingTargetsQuery;

const PLATFORM_NAMES: Record<Platform, string> = {
  claude: 'Claude',
  gemini: 'Gemini',
  openai: 'OpenAI',
  azure: 'Azure OpenAI',
  droid: 'Droid',
};

const BINDING_KINDS: Array<{ value: BindingValue['kind']; label: string }> = [
  { value: 'pool', label: 'Whole pool' },
  { value: 'account', label: 'One account' },
  { value: 'group', label: 'An account group' },
];

const FALLBACKS = [
  { value: 'fail', label: 'Refuse the request' },
  { value: 'pool', label: 'Use the whole pool' },
];

const BODY_CAPTURE = [
  { value: 'default', label: 'Server default (REQUEST_LOG_BODIES)' },
  { value: 'on', label: 'Keep bodies' },
  { value: 'off', label: 'Never keep bodies' },
];

function TargetInput(props: {
  platform: Platform;
  binding: BindingValue;
  targets: BindingTargets | undefined;
  onChange: (id: string) => void;
  error: string | undefined;
}) {
  const { platform, binding, targets } = props;
  const label = `${PLATFORM_NAMES[platform]} ${binding.kind === 'account' ? 'account' : 'group'}`;
  // Without the lists (still loading, or refused) the id can still be typed.
  if (!targets) {
    return (
      <TextInput
        label={`${label} id`}
        value={binding.id}
        onChange={(event) => props.onChange(event.currentTarget.value)}
        error={props.error}
      />
    );
  }
  const nodes = binding.kind === 'account' ? targets.accounts.nodes : targets.accountGroups.nodes;
  const options = nodes
    .filter((node) => node.platform === platform)
    .map((node) => ({ value: node.id, label: node.name }));
  // A bound id no longer in the list (deleted, or past the first page) still shows rather than vanishing.
  if (binding.id && !options.some((option) => option.value === binding.id)) {
    options.push({ value: binding.id, label: binding.id });
  }
  return (
    <Select
      label={label}
      placeholder={options.length ? 'Choose one' : `No ${binding.kind}s on ${platform}`}
      data={options}
      value={binding.id || null}
      onChange={(id) => props.onChange(id ?? '')}
      error={props.error}
      searchable
    />
  );
}

export function BindingsSection(props: SectionProps & { targets: BindingTargets | undefined }) {
  const { values, change, errors, targets } = props;
  const setBinding = (platform: Platform, binding: BindingValue) =>
    change({ bindings: { ...values.bindings, [platform]: binding } });
  return (
    <Fieldset legend="Bindings">
      <Stack gap="sm">
        <Text size="xs" c="dimmed">
          A platform without a binding is served by its whole pool.
        </Text>
        {PLATFORMS.map((platform) => {
          const binding = values.bindings[platform];
          return (
            <SimpleGrid key={platform} cols={{ base: 1, sm: 2 }}>
              <Select
                label={`${PLATFORM_NAMES[platform]} served by`}
                data={BINDING_KINDS}
                value={binding.kind}
                onChange={(kind) => setBinding(platform, { kind: kind ?? 'pool', id: '' })}
                allowDeselect={false}
                error={binding.kind === 'pool' ? errorAt(errors, `bindings.${platform}`) : undefined}
              />
              {binding.kind === 'pool' ? null : (
                <TargetInput
                  platform={platform}
                  binding={binding}
                  targets={targets}
                  onChange={(id) => setBinding(platform, { ...binding, id })}
                  error={errorAt(errors, `bindings.${platform}`)}
                />
              )}
            </SimpleGrid>
          );
        })}
        <Select
          label="When the bound account or group cannot serve"
          data={FALLBACKS}
          value={values.bindingFallback}
          onChange={(bindingFallback) => change({ bindingFallback: bindingFallback ?? 'fail' })}
          allowDeselect={false}
          error={errorAt(errors, 'bindingFallback')}
        />
      </Stack>
    </Fieldset>
  );
}

export function LoggingSection({ values, change, errors }: SectionProps) {
  return (
    <Fieldset legend="Request log">
      <Select
        label="Body capture"
        description="Whether the request log keeps this key's request and response bodies."
        data={BODY_CAPTURE}
        value={values.bodyCapture}
        onChange={(bodyCapture) => change({ bodyCapture: bodyCapture ?? 'default' })}
        allowDeselect={false}
        error={errorAt(errors, 'bodyCapture')}
      />
    </Fieldset>
  );
}
