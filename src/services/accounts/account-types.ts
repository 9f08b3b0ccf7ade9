// Zod schemas of upstream accounts: stored record (credentials sealed), inputs, and the public view.
import { z } from 'zod';
import { assertNever } from '../../lib/assert-never.js';
import { modelMappingSchema, modelPatternSchema } from '../api-keys/api-key-types.js';
import type { Platform } from '../domain/platforms.js';

/** Account kinds this build can relay to, with the pool each belongs to. */
export const ACCOUNT_TYPES = [
  'claude-console',
  'ccr',
  'claude-oauth',
  'bedrock',
  'openai-api',
  'openai-oauth',
  'openai-compatible',
  'azure-openai',
  'gemini-api',
  'gemini-oauth',
  'droid',
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const PLATFORM_OF: Record<AccountType, Platform> = {
  'claude-console': 'claude',
  ccr: 'claude',
  'claude-oauth': 'claude',
  bedrock: 'claude',
  'openai-api': 'openai',
  'openai-oauth': 'openai',
  'openai-compatible': 'openai',
  'azure-openai': 'azure',
  'gemini-api': 'gemini',
  'gemini-oauth': 'gemini',
  droid: 'droid',
};

/**
 * The models an account of a kind is listed with when it names none, where that is narrower than its pool's:
 * ChatGPT's Codex backend answers the GPT-5 and Codex models only. Listing only; an account still takes any
 * model of its pool unless its `supportedModels` say otherwise.
 */
export const LISTED_MODELS_OF: Partial<Record<AccountType, readonly string[]>> = {
  'openai-oauth': ['gpt-5*', 'codex-*'],
  // Factory's Droid plans resell the current Claude, GPT-5 and Gemini models, not the vendors' whole catalogs.
  droid: ['claude-opus-4*', 'claude-sonnet-4*', 'claude-haiku-4*', 'gpt-5*', 'gemini-2.5-pro*', 'gemini-3*'],
};

/**
 * How an account of each kind proves itself upstream: a static API key; an OAuth access token this relay
 * refreshes (see `oauth/oauth-kinds.ts` for each OAuth kind's endpoints and grants); AWS credentials, for
 * which a Bedrock API key may stand in; or WorkOS tokens (Factory's sign-in, refreshed like an OAuth kind's but
 * brought from the Droid CLI, not signed in through the relay), for which a Factory API key may stand in. Code
 * that treats kinds differently by credential asks this table.
 */
export type CredentialKind = 'api-key' | 'oauth' | 'aws' | 'workos';

export const CREDENTIAL_OF = {
  'claude-console': 'api-key',
  ccr: 'api-key',
  'claude-oauth': 'oauth',
  bedrock: 'aws',
  'openai-api': 'api-key',
  'openai-oauth': 'oauth',
  // An endpoint that speaks OpenAI's Chat Completions only (DeepSeek, Groq, OpenRouter, vLLM, Ollama…).
  'openai-compatible': 'api-key',
  // An Azure resource key; a Microsoft Entra ID token kept current by the operator may stand in (`authHeader`).
  'azure-openai': 'api-key',
  // A Google AI Studio API key.
  'gemini-api': 'api-key',
  // A Google sign-in as Gemini CLI's "Login with Google", calling the Code Assist API.
  'gemini-oauth': 'oauth',
  // Factory: a `fk-…` API key, or the WorkOS tokens of a Droid CLI sign-in.
  droid: 'workos',
} as const satisfies Record<AccountType, CredentialKind>;

/** The kinds whose credential is an OAuth token pair, obtained by signing in. */
export type OAuthAccountType = {
  [Type in AccountType]: (typeof CREDENTIAL_OF)[Type] extends 'oauth' ? Type : never;
}[AccountType];

export function isOAuthType(type: AccountType): type is OAuthAccountType {
  return CREDENTIAL_OF[type] === 'oauth';
}

export const OAUTH_ACCOUNT_TYPES: readonly OAuthAccountType[] = ACCOUNT_TYPES.filter(isOAuthType);

/**
 * The kinds whose credential can be an access token this relay refreshes under its lock: the OAuth kinds, and
 * Droid's WorkOS tokens. Only the OAuth kinds are signed in through the relay.
 */
export type TokenAccountType = {
  [Type in AccountType]: (typeof CREDENTIAL_OF)[Type] extends 'oauth' | 'workos' ? Type : never;
}[AccountType];

export function isTokenType(type: AccountType): type is TokenAccountType {
  const kind = CREDENTIAL_OF[type];
  return kind === 'oauth' || kind === 'workos';
}

export const TOKEN_ACCOUNT_TYPES: readonly TokenAccountType[] = ACCOUNT_TYPES.filter(isTokenType);

/** An account type that must be one of the OAuth kinds, for inputs that start or finish a sign-in. */
export const oauthAccountTypeSchema = z.enum(ACCOUNT_TYPES).transform((type, context): OAuthAccountType => {
  if (isOAuthType(type)) return type;
  context.addIssue({
    code: 'custom',
    message: `must be an account type that signs in: ${OAUTH_ACCOUNT_TYPES.join(' or ')}`,
  });
  return z.NEVER;
});

/** How a kind presents its credential unless the account says otherwise (see `authHeader`). */
export const DEFAULT_AUTH_HEADER: Record<AccountType, 'x-api-key' | 'bearer'> = {
  'claude-console': 'x-api-key',
  ccr: 'x-api-key',
  // OAuth access tokens always travel as bearer tokens; the record says so.
  'claude-oauth': 'bearer',
  bedrock: 'x-api-key',
  'openai-api': 'bearer',
  'openai-oauth': 'bearer',
  'openai-compatible': 'bearer',
  // Azure's own header is `api-key`, which the two values cannot name: for azure-openai accounts `bearer` sends
  // the secret as `Authorization: Bearer` (a Microsoft Entra ID token), and anything else as `api-key: <key>`.
  'azure-openai': 'x-api-key',
  // Google's own header is `x-goog-api-key`: for gemini-api accounts anything but `bearer` sends the key there.
  'gemini-api': 'x-api-key',
  'gemini-oauth': 'bearer',
  // Factory takes both its API keys and WorkOS access tokens as `Authorization: Bearer`.
  droid: 'bearer',
};

/**
 * Where an account of each kind sends requests unless it names its own base URL. OpenAI bases end where the
 * relay appends `/responses` (or another endpoint path).
 */
export function defaultBaseUrl(type: AccountType, region: string | undefined): string | undefined {
  switch (type) {
    case 'claude-console':
    case 'claude-oauth':
      return 'https://api.anthropic.com';
    case 'bedrock':
      return region ? `https://bedrock-runtime.${region}.amazonaws.com` : undefined;
    case 'openai-api':
      return 'https://api.openai.com/v1';
    case 'openai-oauth':
      // The ChatGPT backend Codex talks to when signed in with a subscription.
      return 'https://chatgpt.com/backend-api/codex';
    case 'gemini-api':
      // Google AI Studio's Generative Language API; the relay appends `/v1beta/models/…`.
      return 'https://generativelanguage.googleapis.com';
    case 'gemini-oauth':
      // The Code Assist API Gemini CLI signs in to; the relay appends `/v1internal:<method>`.
      return 'https://cloudcode-pa.googleapis.com';
    case 'droid':
      // Factory's LLM gateway, Droid's own backend; the relay appends `/a/v1/messages`, `/o/v1/responses` or
      // `/o/v1/chat/completions`. EU organisations use `https://api.eu.factory.ai/api/llm`.
      return 'https://api.factory.ai/api/llm';
    case 'ccr':
    // A compatible endpoint is wherever its operator runs it.
    case 'openai-compatible':
    // Every Azure resource has its own endpoint, `https://<resource>.openai.azure.com`; the relay appends
    // `/openai/…` to it.
    case 'azure-openai':
      return undefined;
    default:
      return assertNever(type);
  }
}

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .transform((value) => value.replace(/\/+$/, ''));

export const proxySchema = z.object({
  protocol: z.enum(['http', 'https', 'socks5']),
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  username: z.string().max(255).optional(),
});
export type ProxyConfig = z.infer<typeof proxySchema>;

const secret = z.string().min(1).max(8192);

/**
 * Secrets, sealed together; they never leave the service except to the relay's upstream call. Which fields an
 * account needs depends on its kind (`missingSecrets`): an API key; OAuth tokens; AWS credentials, where a
 * Bedrock API key (bearer token) may stand in for the access key pair; or for Droid a Factory API key or WorkOS
 * tokens (the key wins when both are there).
 */
export const accountSecretsSchema = z.object({
  apiKey: secret.optional(),
  accessToken: secret.optional(),
  refreshToken: secret.optional(),
  /** When the OAuth access token expires, ms since the epoch. */
  expiresAt: z.number().int().optional(),
  /**
   * openai-oauth: the ChatGPT account (workspace) the tokens act for, from the id_token's
   * `https://api.openai.com/auth` claim; the relay sends it upstream as the `chatgpt-account-id` header.
   */
  chatgptAccountId: z.string().trim().min(1).max(200).optional(),
  awsAccessKeyId: z.string().trim().min(16).max(128).optional(),
  awsSecretAccessKey: secret.optional(),
  awsSessionToken: secret.optional(),
  proxyPassword: z.string().max(1024).optional(),
});
export type AccountSecrets = z.infer<typeof accountSecretsSchema>;

/** The secret fields an account of `type` lacks, named for the error a caller sees. */
export function missingSecrets(type: AccountType, secrets: AccountSecrets): string[] {
  switch (type) {
    case 'claude-console':
    case 'ccr':
    case 'openai-api':
    case 'openai-compatible':
    case 'azure-openai':
    case 'gemini-api':
      return secrets.apiKey ? [] : ['credentials.apiKey'];
    case 'claude-oauth':
    case 'gemini-oauth':
      return absent(secrets, ['accessToken', 'refreshToken', 'expiresAt']);
    case 'openai-oauth':
      return absent(secrets, ['accessToken', 'refreshToken', 'expiresAt', 'chatgptAccountId']);
    case 'bedrock':
      if (secrets.apiKey) return [];
      return absent(secrets, ['awsAccessKeyId', 'awsSecretAccessKey']);
    case 'droid':
      // A Factory API key, or WorkOS tokens: a refresh token is enough (without an access token or its expiry,
      // the first request refreshes one). An access token alone would stop working at its expiry.
      if (secrets.apiKey || secrets.refreshToken) return [];
      return secrets.accessToken ? ['credentials.refreshToken'] : ['credentials.apiKey'];
    default:
      return assertNever(type);
  }
}

function absent(secrets: AccountSecrets, fields: ReadonlyArray<keyof AccountSecrets>): string[] {
  return fields.filter((field) => secrets[field] === undefined).map((field) => `credentials.${field}`);
}

export const accountStateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('active') }),
  z.object({ kind: z.literal('disabled'), since: z.number().int(), reason: z.string().max(500).optional() }),
]);
export type AccountState = z.infer<typeof accountStateSchema>;

const configFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(1000).optional(),
  baseUrl: httpUrl.optional(),
  /** How the credential is presented upstream: Anthropic uses x-api-key; some compatible endpoints want bearer. */
  authHeader: z.enum(['x-api-key', 'bearer']),
  /** AWS region of a Bedrock account: it picks the endpoint and signs the requests. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1')
    .optional(),
  /**
   * azure-openai: the `api-version` its requests carry. Unset or `v1`: Azure's v1 API (`/openai/v1/…`, the model
   * field naming the deployment, no version sent); `preview` or `latest`: the v1 API at that version; a dated
   * version (`2024-10-21`, `2025-04-01-preview`): the versioned API, whose chat completions name the deployment
   * in the path. Other kinds ignore it.
   */
  apiVersion: z
    .string()
    .regex(
      /^(v1|preview|latest|\d{4}-\d{2}-\d{2}(-preview)?)$/,
      'must be an Azure OpenAI api-version such as 2024-10-21, 2025-04-01-preview, preview or v1',
    )
    .optional(),
  /**
   * azure-openai: model name → the deployment that serves it; a model without an entry is sent to the deployment
   * of the same name. Its model names count as supported, as mapped names do. Not `modelMapping`: the relay
   * prices and records a request by the model it sends upstream, and a deployment's name is whatever its owner
   * chose (`prod-4o`), which no price list knows; kept apart, `gpt-4o` is priced as gpt-4o while the call goes
   * to the deployment `prod-4o`. Other kinds ignore it.
   */
  deployments: z
    .record(
      z.string().min(1).max(200),
      z
        .string()
        .regex(
          /^[A-Za-z0-9._-]{1,64}$/,
          'must be an Azure deployment name: 1-64 letters, digits, ".", "_" or "-"',
        ),
    )
    .optional(),
  /**
   * gemini-oauth: the Google Cloud project Code Assist calls run in. Unset, the relay asks Code Assist for the
   * account's own (free-tier accounts get one from Google); Workspace and paid Code Assist accounts need theirs.
   */
  projectId: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a Google Cloud project id such as my-project-123')
    .optional(),
  proxy: proxySchema.nullable().optional(),
  /** Lower runs first: accounts of the lowest priority number are used before any other. */
  priority: z.number().int().min(1).max(1000),
  weight: z.number().int().min(1).max(1000),
  /** 0 means no limit. */
  maxConcurrency: z.number().int().min(0).max(10_000),
  schedulable: z.boolean(),
  /**
   * Serves only keys bound to it (or to a group it is in), never the rest of the pool: an account one team
   * pays for. Claude Relay Service calls these "dedicated" (and "group") accounts.
   */
  dedicated: z.boolean(),
  /** Model name (the client's, after its key's mapping) → upstream model name. */
  modelMapping: modelMappingSchema,
  /** Models this account serves (exact or `prefix*`); empty means any. Mapped names count as supported. */
  supportedModels: z.array(modelPatternSchema).max(500),
};

export const createAccountInputSchema = z.object({
  ...configFields,
  type: z.enum(ACCOUNT_TYPES),
  authHeader: configFields.authHeader.optional(),
  priority: configFields.priority.default(50),
  weight: configFields.weight.default(1),
  maxConcurrency: configFields.maxConcurrency.default(0),
  schedulable: configFields.schedulable.default(true),
  dedicated: configFields.dedicated.default(false),
  modelMapping: configFields.modelMapping.default({}),
  supportedModels: configFields.supportedModels.default([]),
  credentials: accountSecretsSchema,
});
export type CreateAccountInput = z.input<typeof createAccountInputSchema>;

export const updateAccountInputSchema = z
  .object({ ...configFields, credentials: accountSecretsSchema.partial() })
  .partial();
export type UpdateAccountInput = z.input<typeof updateAccountInputSchema>;

export const storedAccountSchema = z.object({
  ...configFields,
  id: z.string(),
  type: z.enum(ACCOUNT_TYPES),
  platform: z.string(),
  baseUrl: httpUrl,
  // Accounts stored before accounts could be dedicated serve the whole pool.
  dedicated: configFields.dedicated.default(false),
  state: accountStateSchema,
  /** `SecretBox` output holding `AccountSecrets` as JSON. */
  sealedSecrets: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type StoredAccount = z.infer<typeof storedAccountSchema>;

/** What the control plane shows: never the secrets. */
export type Account = Omit<StoredAccount, 'sealedSecrets'>;

/** What the relay needs to call upstream: config plus opened secrets. Lives only in memory. */
export interface AccountRuntime {
  account: StoredAccount;
  secrets: AccountSecrets;
}

/**
 * Whether the account takes `model` under a name of its own: a model it maps, or (Azure) one it deploys. Such
 * names count as supported whatever `supportedModels` says.
 */
export function mapsModel(account: StoredAccount | Account, model: string): boolean {
  return (
    Object.hasOwn(account.modelMapping, model) ||
    (account.deployments !== undefined && Object.hasOwn(account.deployments, model))
  );
}
