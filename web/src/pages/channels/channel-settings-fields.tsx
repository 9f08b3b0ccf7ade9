// The inputs of one channel kind's settings; secrets are password inputs that never show the stored value.
import type { SmtpTls } from '@clients/generated/graphql/graphql';
import { NumberInput, PasswordInput, Select, TagsInput, TextInput } from '@mantine/core';
import { errorAt } from '../../components/field-errors';
import { type Channel, type SettingSpec, type SettingValues, storedSecretText } from './channel-kinds';

const TLS_OPTIONS: { value: SmtpTls; label: string }[] = [
  { value: 'starttls', label: 'STARTTLS (upgrade required)' },
  { value: 'implicit', label: 'Implicit TLS (from the first byte, port 465)' },
  { value: 'none', label: 'None (plain text only)' },
];

export function ChannelSettingsFields(props: {
  specs: readonly SettingSpec[];
  values: SettingValues;
  onChange: (patch: Partial<SettingValues>) => void;
  errors: Record<string, string>;
  /** Editing an existing channel: secrets it holds may be left empty to keep them. */
  channel: Channel | undefined;
}) {
  const { values, onChange, channel } = props;
  return (
    <>
      {props.specs.map((spec) => {
        const error = errorAt(props.errors, spec.field);
        const common = { label: spec.label, error, placeholder: spec.placeholder };
        // On edit a required secret is already stored: leaving it empty keeps it.
        const required = spec.required && !(spec.secret && channel);
        if (spec.field === 'port') {
          return (
            <NumberInput
              key={spec.field}
              {...common}
              description={spec.description}
              required={required}
              min={1}
              max={65_535}
              allowDecimal={false}
              value={values.port}
              onChange={(port) => onChange({ port })}
            />
          );
        }
        if (spec.field === 'tls') {
          return (
            <Select
              key={spec.field}
              {...common}
              description={spec.description}
              data={TLS_OPTIONS}
              value={values.tls}
              allowDeselect={false}
              onChange={(tls) => {
                if (tls) onChange({ tls });
              }}
            />
          );
        }
        if (spec.field === 'to') {
          return (
            <TagsInput
              key={spec.field}
              {...common}
              description={spec.description}
              required={required}
              value={values.to}
              onChange={(to) => onChange({ to })}
              splitChars={[',', ' ', ';']}
            />
          );
        }
        const field = spec.field;
        if (spec.secret) {
          const stored = channel?.secrets.find((secret) => secret.field === field);
          const note = channel
            ? stored && `${storedSecretText(stored)}; leave empty to keep it`
            : spec.createNote;
          return (
            <PasswordInput
              key={field}
              {...common}
              description={[spec.description, note].filter(Boolean).join('. ')}
              required={required}
              autoComplete="new-password"
              value={values[field]}
              onChange={(event) => onChange({ [field]: event.currentTarget.value })}
            />
          );
        }
        return (
          <TextInput
            key={field}
            {...common}
            description={spec.description}
            required={required}
            value={values[field]}
            onChange={(event) => onChange({ [field]: event.currentTarget.value })}
          />
        );
      })}
    </>
  );
}
