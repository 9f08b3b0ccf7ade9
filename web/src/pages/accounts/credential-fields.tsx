// The secrets an account of each type needs, as password inputs; they are sent once and never shown back.
import type { AccountType } from '@clients/generated/graphql/graphql';
import { Fieldset, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import type { CredentialField, CredentialValues } from './account-form-values';
import { ACCOUNT_KINDS } from './account-kinds';

interface FieldProps {
  values: CredentialValues;
  set: (field: CredentialField, value: string) => void;
  fieldErrors: Record<string, string>;
  /** Editing: every field is optional and an empty one keeps what the account has. */
  rotating: boolean;
}

function Secret(
  props: FieldProps & { field: CredentialField; label: string; description?: string; required?: boolean },
) {
  return (
    <PasswordInput
      label={props.label}
      description={props.description}
      required={props.required && !props.rotating}
      autoComplete="new-password"
      value={props.values[props.field]}
      onChange={(event) => props.set(props.field, event.currentTarget.value)}
      error={props.fieldErrors[`credentials.${props.field}`]}
    />
  );
}

function ExpiresAt(props: FieldProps) {
  return (
    <TextInput
      type="datetime-local"
      label="Access token expires at"
      description="Your local time. Without it the relay refreshes the token on first use."
      value={props.values.expiresAt}
      onChange={(event) => props.set('expiresAt', event.currentTarget.value)}
      error={props.fieldErrors['credentials.expiresAt']}
    />
  );
}

function OAuthTokens(props: FieldProps & { type: AccountType }) {
  return (
    <>
      <Secret {...props} field="accessToken" label="Access token" required />
      <Secret {...props} field="refreshToken" label="Refresh token" required />
      <ExpiresAt {...props} />
      {props.type === 'openai_oauth' ? (
        <TextInput
          label="ChatGPT account ID"
          description="The ChatGPT account (workspace) the tokens act for."
          required={!props.rotating}
          autoComplete="off"
          value={props.values.chatgptAccountId}
          onChange={(event) => props.set('chatgptAccountId', event.currentTarget.value)}
          error={props.fieldErrors['credentials.chatgptAccountId']}
        />
      ) : null}
    </>
  );
}

function Bedrock(props: FieldProps) {
  return (
    <>
      <Secret {...props} field="apiKey" label="Bedrock API key" description="Or AWS access keys below." />
      <Secret {...props} field="awsAccessKeyId" label="AWS access key ID" />
      <Secret {...props} field="awsSecretAccessKey" label="AWS secret access key" />
      <Secret
        {...props}
        field="awsSessionToken"
        label="AWS session token"
        description="Only for temporary keys."
      />
    </>
  );
}

function Droid(props: FieldProps) {
  return (
    <>
      <Secret
        {...props}
        field="apiKey"
        label="Factory API key"
        description="fk-…; or a Droid sign-in below."
      />
      <Secret
        {...props}
        field="refreshToken"
        label="Refresh token"
        description="The WorkOS refresh token of a Droid CLI sign-in given to the relay alone: it rotates on refresh."
      />
      <Secret
        {...props}
        field="accessToken"
        label="Access token"
        description="Optional with a refresh token."
      />
      <ExpiresAt {...props} />
    </>
  );
}

function apiKeyLabel(type: AccountType): string {
  if (type === 'azure_openai') return 'API key';
  if (type === 'claude_console') return 'Anthropic API key';
  if (type === 'openai_api') return 'OpenAI API key';
  if (type === 'gemini_api') return 'AI Studio API key';
  return 'API key';
}

export function CredentialFields(props: {
  type: AccountType;
  values: CredentialValues;
  onChange: (values: CredentialValues) => void;
  fieldErrors: Record<string, string>;
  rotating?: boolean;
}) {
  const { type, values, onChange } = props;
  const shared: FieldProps = {
    values,
    set: (field, value) => onChange({ ...values, [field]: value }),
    fieldErrors: props.fieldErrors,
    rotating: props.rotating ?? false,
  };
  const credential = ACCOUNT_KINDS[type].credential;
  return (
    <Fieldset legend={props.rotating ? 'Rotate credentials' : 'Credentials'}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {props.rotating
            ? 'Fill in only the secrets to replace; empty fields keep the current ones. Secrets are never shown.'
            : 'Sealed on the server and never shown again.'}
        </Text>
        {credential === 'api-key' ? (
          <Secret
            {...shared}
            field="apiKey"
            label={apiKeyLabel(type)}
            required
            description={
              type === 'azure_openai'
                ? 'The resource key, or an Entra ID token with the bearer header.'
                : undefined
            }
          />
        ) : null}
        {credential === 'oauth' ? <OAuthTokens {...shared} type={type} /> : null}
        {credential === 'aws' ? <Bedrock {...shared} /> : null}
        {credential === 'workos' ? <Droid {...shared} /> : null}
      </Stack>
    </Fieldset>
  );
}
