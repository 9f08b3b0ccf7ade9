// An account's settings as form fields (create, sign-in and edit share them): what applies to its type only.
import type { AccountType } from '@clients/generated/graphql/graphql';
import {
  Fieldset,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Textarea,
  TextInput,
} from '@mantine/core';
import { errorAt, type SettingsValues } from './account-form-values';
import { ACCOUNT_KINDS } from './account-kinds';
import { PairListEditor } from './pair-list-editor';
import { ProxyFields } from './proxy-fields';

interface Props {
  type: AccountType;
  values: SettingsValues;
  onChange: (values: SettingsValues) => void;
  fieldErrors: Record<string, string>;
  /** Editing an existing account: a proxy password already set is kept when left empty. */
  editing?: boolean;
  /** Signing in: the account can take its name from the sign-in. */
  nameOptional?: boolean;
}

const numberOf = (value: number | string): number | '' => (typeof value === 'number' ? value : '');

/** The scheduling settings, each a whole number in a range. */
const SCHEDULING_NUMBERS: ReadonlyArray<{
  field: 'priority' | 'weight' | 'maxConcurrency';
  label: string;
  description: string;
  min: number;
  max: number;
}> = [
  { field: 'priority', label: 'Priority', description: 'Lower is used first (1–1000).', min: 1, max: 1000 },
  { field: 'weight', label: 'Weight', description: 'Share at equal priority (1–1000).', min: 1, max: 1000 },
  {
    field: 'maxConcurrency',
    label: 'Max concurrency',
    description: 'Requests at once; 0 is no limit.',
    min: 0,
    max: 10000,
  },
];

export function SettingsFields(props: Props) {
  const { values, onChange, fieldErrors } = props;
  const set = (change: Partial<SettingsValues>) => onChange({ ...values, ...change });
  return (
    <Stack gap="md">
      <TextInput
        label="Name"
        required={!props.nameOptional}
        description={props.nameOptional ? 'Empty: the signed-in account’s email or organisation.' : undefined}
        maxLength={100}
        value={values.name}
        onChange={(event) => set({ name: event.currentTarget.value })}
        error={fieldErrors.name}
      />
      <Textarea
        label="Description"
        autosize
        minRows={1}
        maxLength={1000}
        value={values.description}
        onChange={(event) => set({ description: event.currentTarget.value })}
        error={fieldErrors.description}
      />
      <ConnectionFields {...props} />
      <Fieldset legend="Scheduling">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {SCHEDULING_NUMBERS.map((number) => (
              <NumberInput
                key={number.field}
                label={number.label}
                description={number.description}
                min={number.min}
                max={number.max}
                allowDecimal={false}
                value={values[number.field]}
                onChange={(value) => {
                  const change: Partial<SettingsValues> = {};
                  change[number.field] = numberOf(value);
                  set(change);
                }}
                error={fieldErrors[number.field]}
              />
            ))}
          </SimpleGrid>
          <Switch
            label="Schedulable (new requests may be sent to it)"
            checked={values.schedulable}
            onChange={(event) => set({ schedulable: event.currentTarget.checked })}
            error={fieldErrors.schedulable}
          />
          <Switch
            label="Dedicated (serves only keys bound to it or to a group it is in)"
            checked={values.dedicated}
            onChange={(event) => set({ dedicated: event.currentTarget.checked })}
            error={fieldErrors.dedicated}
          />
        </Stack>
      </Fieldset>
      <TagsInput
        label="Supported models"
        description="Exact names or prefix* patterns; empty serves any model of its pool. Press Enter after each."
        placeholder="claude-sonnet-4*"
        value={values.supportedModels}
        onChange={(supportedModels) => set({ supportedModels })}
        error={errorAt(fieldErrors, 'supportedModels')}
        clearable
      />
      <PairListEditor
        legend="Model mapping"
        description="Requests for the client model are sent upstream as the upstream model."
        fromLabel="Client model"
        toLabel="Upstream model"
        addLabel="Add mapping"
        rows={values.modelMapping}
        onChange={(modelMapping) => set({ modelMapping })}
        path="modelMapping"
        fromField="from"
        toField="to"
        fieldErrors={fieldErrors}
      />
      <ProxyFields
        values={values.proxy}
        onChange={(proxy) => set({ proxy })}
        fieldErrors={fieldErrors}
        keepsPassword={props.editing}
      />
    </Stack>
  );
}

/** Where and how requests go: base URL and header, and the settings only some types take. */
function ConnectionFields({ type, values, onChange, fieldErrors, editing }: Props) {
  const kind = ACCOUNT_KINDS[type];
  const set = (change: Partial<SettingsValues>) => onChange({ ...values, ...change });
  return (
    <Fieldset legend="Connection">
      <Stack gap="sm">
        <TextInput
          label="Base URL"
          required={!kind.defaultBaseUrl && type !== 'bedrock'}
          placeholder={
            kind.defaultBaseUrl ??
            (type === 'azure_openai'
              ? 'https://<resource>.openai.azure.com'
              : type === 'bedrock'
                ? 'From the region'
                : 'https://…')
          }
          description={kind.defaultBaseUrl && !editing ? 'Leave empty for the default.' : undefined}
          value={values.baseUrl}
          onChange={(event) => set({ baseUrl: event.currentTarget.value })}
          error={fieldErrors.baseUrl}
        />
        {kind.credential !== 'oauth' ? (
          <Select
            label="Auth header"
            description={
              type === 'azure_openai'
                ? 'bearer sends a Microsoft Entra ID token; otherwise the api-key header.'
                : 'How the credential is sent upstream.'
            }
            placeholder={`Default (${kind.defaultAuthHeader})`}
            data={[
              { value: 'x-api-key', label: type === 'azure_openai' ? 'api-key header' : 'x-api-key' },
              { value: 'bearer', label: 'bearer' },
            ]}
            value={values.authHeader === '' ? null : values.authHeader}
            onChange={(value) => set({ authHeader: value ?? '' })}
            clearable
            error={fieldErrors.authHeader}
          />
        ) : null}
        {type === 'bedrock' ? (
          <TextInput
            label="Region"
            required
            placeholder="us-east-1"
            value={values.region}
            onChange={(event) => set({ region: event.currentTarget.value })}
            error={fieldErrors.region}
          />
        ) : null}
        {type === 'azure_openai' ? (
          <>
            <TextInput
              label="API version"
              placeholder="v1"
              description="v1 (default), preview, latest, or a dated version such as 2024-10-21."
              value={values.apiVersion}
              onChange={(event) => set({ apiVersion: event.currentTarget.value })}
              error={fieldErrors.apiVersion}
            />
            <PairListEditor
              legend="Deployments"
              description="The deployment serving each model; other models go to the deployment of their name."
              fromLabel="Model"
              toLabel="Deployment"
              addLabel="Add deployment"
              rows={values.deployments}
              onChange={(deployments) => set({ deployments })}
              path="deployments"
              fromField="model"
              toField="deployment"
              fieldErrors={fieldErrors}
            />
          </>
        ) : null}
        {type === 'gemini_oauth' ? (
          <TextInput
            label="Google Cloud project ID"
            description="Workspace and paid Code Assist accounts need theirs; empty finds the account’s own."
            placeholder="my-project-123"
            value={values.projectId}
            onChange={(event) => set({ projectId: event.currentTarget.value })}
            error={fieldErrors.projectId}
          />
        ) : null}
      </Stack>
    </Fieldset>
  );
}
