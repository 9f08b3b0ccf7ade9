// The account forms' values and how they become the API's inputs (create, OAuth exchange, update).
import type {
  AccountCredentialsInput,
  AccountProxyInput,
  AccountsPageSettingsFragment,
  AccountType,
  CreateAccountInput,
  OAuthAccountInput,
  ProxyProtocol,
  UpdateAccountInput,
} from '@clients/generated/graphql/graphql';

/** One editable from→to row; `key` keeps React's list identity when rows are removed. */
export interface PairRow {
  key: string;
  from: string;
  to: string;
}

let rowCounter = 0;
export function newRow(from = '', to = ''): PairRow {
  rowCounter += 1;
  return { key: `row-${rowCounter}`, from, to };
}

export interface ProxyValues {
  enabled: boolean;
  protocol: ProxyProtocol;
  host: string;
  port: number | '';
  username: string;
  /** A secret: sent as credentials.proxyPassword, never read back. */
  password: string;
}

export interface SettingsValues {
  name: string;
  description: string;
  baseUrl: string;
  /** '' keeps the type's default. */
  authHeader: string;
  region: string;
  apiVersion: string;
  projectId: string;
  priority: number | '';
  weight: number | '';
  maxConcurrency: number | '';
  schedulable: boolean;
  dedicated: boolean;
  supportedModels: string[];
  modelMapping: PairRow[];
  deployments: PairRow[];
  proxy: ProxyValues;
}

export const CREDENTIAL_FIELDS = [
  'apiKey',
  'accessToken',
  'refreshToken',
  'expiresAt',
  'chatgptAccountId',
  'awsAccessKeyId',
  'awsSecretAccessKey',
  'awsSessionToken',
] as const;
export type CredentialField = (typeof CREDENTIAL_FIELDS)[number];
/** Typed secrets; `expiresAt` is a datetime-local value. Empty means not given. */
export type CredentialValues = Record<CredentialField, string>;

export function emptyCredentials(): CredentialValues {
  return Object.fromEntries(CREDENTIAL_FIELDS.map((field) => [field, ''])) as CredentialValues;
}

export function emptySettings(): SettingsValues {
  return {
    name: '',
    description: '',
    baseUrl: '',
    authHeader: '',
    region: '',
    apiVersion: '',
    projectId: '',
    priority: 50,
    weight: 1,
    maxConcurrency: 0,
    schedulable: true,
    dedicated: false,
    supportedModels: [],
    modelMapping: [],
    deployments: [],
    proxy: { enabled: false, protocol: 'http', host: '', port: '', username: '', password: '' },
  };
}

/** The form's values for an existing account (secrets stay empty: they are never shown). */
export function settingsOf(account: AccountsPageSettingsFragment): SettingsValues {
  return {
    name: account.name,
    description: account.description ?? '',
    baseUrl: account.baseUrl,
    authHeader: account.authHeader,
    region: account.region ?? '',
    apiVersion: account.apiVersion ?? '',
    projectId: account.projectId ?? '',
    priority: account.priority,
    weight: account.weight,
    maxConcurrency: account.maxConcurrency,
    schedulable: account.schedulable,
    dedicated: account.dedicated,
    supportedModels: [...account.supportedModels],
    modelMapping: account.modelMapping.map((pair) => newRow(pair.from, pair.to)),
    deployments: account.deployments.map((pair) => newRow(pair.model, pair.deployment)),
    proxy: account.proxy
      ? {
          enabled: true,
          protocol: account.proxy.protocol,
          host: account.proxy.host,
          port: account.proxy.port,
          username: account.proxy.username ?? '',
          password: '',
        }
      : { ...emptySettings().proxy },
  };
}

const text = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());
const number = (value: number | ''): number | undefined => (typeof value === 'number' ? value : undefined);

/** Rows left entirely empty are the form's spare rows, not entries. */
const filledRows = (rows: readonly PairRow[]) =>
  rows.filter((row) => row.from.trim() !== '' || row.to.trim() !== '');

function mappingOf(rows: readonly PairRow[]) {
  return filledRows(rows).map((row) => ({ from: row.from.trim(), to: row.to.trim() }));
}

function deploymentsOf(rows: readonly PairRow[]) {
  return filledRows(rows).map((row) => ({ model: row.from.trim(), deployment: row.to.trim() }));
}

function proxyOf(proxy: ProxyValues): AccountProxyInput | null {
  if (!proxy.enabled) return null;
  return {
    protocol: proxy.protocol,
    host: proxy.host.trim(),
    // 0 is refused by the server, which names proxy.port beside the field.
    port: number(proxy.port) ?? 0,
    username: text(proxy.username) ?? null,
  };
}

/** datetime-local has no zone: the browser's own, sent as an instant (as typed if it is none: the server says). */
function instantOf(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** The secrets typed in, or undefined when none was (an update then leaves them as they are). */
export function credentialsOf(
  values: CredentialValues,
  proxyPassword: string,
): AccountCredentialsInput | undefined {
  const input: AccountCredentialsInput = {};
  for (const field of CREDENTIAL_FIELDS) {
    const value = values[field].trim();
    if (value === '') continue;
    input[field] = field === 'expiresAt' ? instantOf(value) : value;
  }
  if (proxyPassword !== '') input.proxyPassword = proxyPassword;
  return Object.keys(input).length > 0 ? input : undefined;
}

/** Settings every create-like input shares (createAccount and exchangeAccountOAuth). */
function sharedSettings(values: SettingsValues) {
  return {
    name: values.name.trim(),
    description: text(values.description),
    baseUrl: text(values.baseUrl),
    authHeader: text(values.authHeader),
    projectId: text(values.projectId),
    priority: number(values.priority),
    weight: number(values.weight),
    maxConcurrency: number(values.maxConcurrency),
    schedulable: values.schedulable,
    dedicated: values.dedicated,
    supportedModels: values.supportedModels,
    modelMapping: mappingOf(values.modelMapping),
    proxy: proxyOf(values.proxy),
  };
}

export function createInputOf(
  type: AccountType,
  values: SettingsValues,
  secrets: CredentialValues,
): CreateAccountInput {
  const deployments = deploymentsOf(values.deployments);
  return {
    ...sharedSettings(values),
    type,
    region: text(values.region),
    apiVersion: text(values.apiVersion),
    deployments: deployments.length > 0 ? deployments : undefined,
    credentials: credentialsOf(secrets, values.proxy.enabled ? values.proxy.password : '') ?? {},
  };
}

/** The new account's settings for exchangeAccountOAuth (the sign-in brings the tokens). */
export function oauthInputOf(values: SettingsValues): OAuthAccountInput {
  const password = values.proxy.enabled ? values.proxy.password : '';
  // Unnamed, the account takes the signed-in user's email or organisation.
  return {
    ...sharedSettings(values),
    name: text(values.name),
    proxyPassword: password === '' ? undefined : password,
  };
}

const same = (left: unknown, right: unknown) => JSON.stringify(left) === JSON.stringify(right);

/** Only what changed: updateAccount replaces each field given, so untouched ones are left out. */
export function updateInputOf(
  before: SettingsValues,
  after: SettingsValues,
  secrets: CredentialValues,
): UpdateAccountInput {
  const input: UpdateAccountInput = {};
  const changed = <Key extends keyof SettingsValues>(key: Key) => !same(before[key], after[key]);
  if (changed('name')) input.name = after.name.trim();
  // An empty description is how a description is removed.
  if (changed('description')) input.description = after.description.trim();
  for (const key of ['baseUrl', 'authHeader', 'region', 'apiVersion', 'projectId'] as const) {
    if (changed(key)) input[key] = after[key].trim();
  }
  for (const key of ['priority', 'weight', 'maxConcurrency'] as const) {
    if (changed(key)) input[key] = number(after[key]) ?? null;
  }
  if (changed('schedulable')) input.schedulable = after.schedulable;
  if (changed('dedicated')) input.dedicated = after.dedicated;
  if (changed('supportedModels')) input.supportedModels = after.supportedModels;
  if (!same(mappingOf(before.modelMapping), mappingOf(after.modelMapping))) {
    input.modelMapping = mappingOf(after.modelMapping);
  }
  if (!same(deploymentsOf(before.deployments), deploymentsOf(after.deployments))) {
    input.deployments = deploymentsOf(after.deployments);
  }
  const { password: _before, ...proxyBefore } = before.proxy;
  const { password: _after, ...proxyAfter } = after.proxy;
  if (!same(proxyBefore, proxyAfter)) input.proxy = proxyOf(after.proxy);
  const credentials = credentialsOf(secrets, after.proxy.enabled ? after.proxy.password : '');
  if (credentials) input.credentials = credentials;
  return input;
}

/** The server's message for `path` or anything below it, for the input that stands for that part of the form. */
export { messageUnder as errorAt } from '../../components/field-errors';
