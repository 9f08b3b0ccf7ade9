// The proxy an account reaches its upstream through: protocol, host, port, user and (secret) password.
import type { ProxyProtocol } from '@clients/generated/graphql/graphql';
import { Fieldset, Group, NumberInput, PasswordInput, Select, Stack, Switch, TextInput } from '@mantine/core';
import type { ProxyValues } from './account-form-values';

const PROTOCOLS: { value: ProxyProtocol; label: string }[] = [
  { value: 'http', label: 'HTTP' },
  { value: 'https', label: 'HTTPS' },
  { value: 'socks5', label: 'SOCKS5' },
];

export function ProxyFields(props: {
  values: ProxyValues;
  onChange: (values: ProxyValues) => void;
  fieldErrors: Record<string, string>;
  /** Editing an account whose proxy has a password: leaving it empty keeps that one. */
  keepsPassword?: boolean;
}) {
  const { values, onChange, fieldErrors } = props;
  const set = (change: Partial<ProxyValues>) => onChange({ ...values, ...change });
  return (
    <Fieldset legend="Proxy">
      <Stack gap="sm">
        <Switch
          label="Send requests through a proxy"
          checked={values.enabled}
          onChange={(event) => set({ enabled: event.currentTarget.checked })}
          error={values.enabled ? undefined : fieldErrors.proxy}
        />
        {values.enabled ? (
          <>
            <Group grow align="flex-start">
              <Select
                label="Proxy protocol"
                data={PROTOCOLS}
                value={values.protocol}
                allowDeselect={false}
                onChange={(value) => {
                  if (value === 'http' || value === 'https' || value === 'socks5') set({ protocol: value });
                }}
                error={fieldErrors['proxy.protocol']}
              />
              <TextInput
                label="Proxy host"
                required
                placeholder="proxy.example.com"
                value={values.host}
                onChange={(event) => set({ host: event.currentTarget.value })}
                error={fieldErrors['proxy.host'] ?? fieldErrors.proxy}
              />
              <NumberInput
                label="Proxy port"
                required
                min={1}
                max={65535}
                allowDecimal={false}
                allowNegative={false}
                value={values.port}
                onChange={(value) => set({ port: typeof value === 'number' ? value : '' })}
                error={fieldErrors['proxy.port']}
              />
            </Group>
            <Group grow align="flex-start">
              <TextInput
                label="Proxy username"
                autoComplete="off"
                value={values.username}
                onChange={(event) => set({ username: event.currentTarget.value })}
                error={fieldErrors['proxy.username']}
              />
              <PasswordInput
                label="Proxy password"
                autoComplete="new-password"
                description={props.keepsPassword ? 'Leave empty to keep the current one.' : undefined}
                value={values.password}
                onChange={(event) => set({ password: event.currentTarget.value })}
                error={fieldErrors['credentials.proxyPassword']}
              />
            </Group>
          </>
        ) : null}
      </Stack>
    </Fieldset>
  );
}
