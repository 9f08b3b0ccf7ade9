// Role: the form that creates a key or edits its settings, section by section; members get only the fields
// the server lets them set (name, description, enabled, tags).
import { type CreateApiKeyInput, KeysPageBindingTargetsDocument } from '@clients/generated/graphql/graphql';
import {
  Button,
  Fieldset,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useQuery } from '../../app/use-graphql';
import { ErrorNotice } from '../../components/page';
import { BindingsSection, LoggingSection } from './key-form-bindings';
import { LimitsSection } from './key-form-limits';
import { ExpirySection, RestrictionsSection } from './key-form-restrictions';
import { errorAt, formShows, type KeyFormValues, keyInputOf, type SectionProps } from './key-form-values';

export interface KeyFormProps {
  mode: 'create' | 'edit';
  initial: KeyFormValues;
  /** Members set only their own key's basics; the server refuses anything else from them. */
  memberOnly: boolean;
  /** Admins pick the owner from the users they can list; operators, who cannot list users, type an id. */
  owner:
    | { kind: 'select'; options: Array<{ value: string; label: string }> }
    | { kind: 'text' }
    | { kind: 'none' };
  readOnly?: boolean;
  running: boolean;
  error: Error | undefined;
  fieldErrors: Record<string, string>;
  submitLabel: string;
  onSubmit: (input: CreateApiKeyInput) => void;
  onCancel?: () => void;
}

function expiryMistakes(values: KeyFormValues): Record<string, string> {
  if (values.expiryKind === 'fixed' && Number.isNaN(new Date(values.expiresAt).getTime())) {
    return { 'expiry.expiresAt': 'Pick when the key expires' };
  }
  const active = Number(values.activeDays || 0) + Number(values.activeHours || 0);
  if (values.expiryKind === 'after_first_use' && !(active > 0)) {
    return { 'expiry.durationSeconds': 'Give the key an active period of at least an hour' };
  }
  return {};
}

function OwnerInput(props: SectionProps & { owner: KeyFormProps['owner']; mode: KeyFormProps['mode'] }) {
  const { values, change, errors, owner } = props;
  const description =
    props.mode === 'create'
      ? 'Empty: nobody (only readers see the key).'
      : 'The owner sees the key as theirs.';
  if (owner.kind === 'select') {
    return (
      <Select
        label="Owner"
        description={description}
        data={owner.options}
        value={values.ownerId || null}
        onChange={(ownerId) => change({ ownerId: ownerId ?? '' })}
        error={errorAt(errors, 'ownerId')}
        searchable
        clearable
      />
    );
  }
  if (owner.kind === 'text') {
    return (
      <TextInput
        label="Owner user id"
        description={description}
        value={values.ownerId}
        onChange={(event) => change({ ownerId: event.currentTarget.value })}
        error={errorAt(errors, 'ownerId')}
      />
    );
  }
  return null;
}

export function KeyForm(props: KeyFormProps) {
  const [values, setValues] = useState(props.initial);
  const change = (patch: Partial<KeyFormValues>) => setValues((old) => ({ ...old, ...patch }));
  // Mistakes the form can name before asking the server; the server's own errors win where both name a field.
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const errors = Object.keys(localErrors).length
    ? { ...localErrors, ...props.fieldErrors }
    : props.fieldErrors;
  const section: SectionProps = { values, change, errors };
  // Binding targets are readers' lists; members neither see nor set bindings.
  const targets = useQuery(KeysPageBindingTargetsDocument, { first: 200 }, { skip: props.memberOnly });
  const unplaced = Object.keys(errors).filter((field) => !formShows(field, props.memberOnly));
  const showNotice = props.error && (Object.keys(errors).length === 0 || unplaced.length > 0);
  // The form is long: after a refusal, take the user to the field the server named (Mantine marks it invalid).
  const formRef = useRef<HTMLFormElement>(null);
  const serverErrors = props.fieldErrors;
  useEffect(() => {
    if (Object.keys(localErrors).length === 0 && Object.keys(serverErrors).length === 0) return;
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    invalid?.scrollIntoView({ block: 'center' });
    invalid?.focus({ preventScroll: true });
  }, [localErrors, serverErrors]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (props.readOnly) return;
    const found = props.memberOnly ? {} : expiryMistakes(values);
    setLocalErrors(found);
    if (Object.keys(found).length) return;
    props.onSubmit(
      keyInputOf(values, {
        memberOnly: props.memberOnly,
        withOwner: props.owner.kind !== 'none',
        withEnabled: props.mode === 'create',
      }),
    );
  };

  return (
    <form
      ref={formRef}
      onSubmit={submit}
      noValidate
      aria-label={props.mode === 'create' ? 'Create key' : 'Key settings'}
    >
      <Fieldset variant="unstyled" disabled={props.readOnly}>
        <Stack gap="md">
          <Fieldset legend="Basics">
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  label="Name"
                  required
                  maxLength={100}
                  value={values.name}
                  onChange={(event) => change({ name: event.currentTarget.value })}
                  error={errorAt(errors, 'name')}
                  data-autofocus
                />
                <OwnerInput {...section} owner={props.owner} mode={props.mode} />
              </SimpleGrid>
              <Textarea
                label="Description"
                autosize
                minRows={2}
                maxLength={1000}
                value={values.description}
                onChange={(event) => change({ description: event.currentTarget.value })}
                error={errorAt(errors, 'description')}
              />
              <TagsInput
                label="Tags"
                description="Press Enter after each tag."
                value={values.tags}
                onChange={(tags) => change({ tags })}
                error={errorAt(errors, 'tags')}
                clearable
              />
              {props.mode === 'create' ? (
                <Switch
                  label="Enabled"
                  description="A disabled key is refused until switched on."
                  checked={values.enabled}
                  onChange={(event) => change({ enabled: event.currentTarget.checked })}
                  error={errorAt(errors, 'enabled')}
                />
              ) : null}
            </Stack>
          </Fieldset>
          {props.memberOnly ? (
            <Text size="sm" c="dimmed">
              Expiry, restrictions, limits and bindings are set by an operator or admin.
            </Text>
          ) : (
            <>
              <ExpirySection {...section} />
              <RestrictionsSection {...section} />
              <LimitsSection {...section} />
              <BindingsSection {...section} targets={targets.data} />
              <LoggingSection {...section} />
            </>
          )}
          {showNotice && props.error ? (
            <ErrorNotice error={props.error} title="The key was not saved" />
          ) : null}
          {props.readOnly ? null : (
            <Group justify="flex-end">
              {props.onCancel ? (
                <Button variant="default" onClick={props.onCancel}>
                  Cancel
                </Button>
              ) : null}
              <Button type="submit" loading={props.running} disabled={props.running || !values.name.trim()}>
                {props.submitLabel}
              </Button>
            </Group>
          )}
        </Stack>
      </Fieldset>
    </form>
  );
}
