// Upstream account fields: the pool with live state, history and connection tests; CRUD, tests and resets
// (sign-ins are in account-oauth.ts). Rules (readers read, managers change, members see nothing) live in AccountAdmin.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import {
  AccountProxyInputRef,
  AccountProxyRef,
  AzureDeploymentInputRef,
  AzureDeploymentRef,
  accountSettingsOf,
  deploymentsOf,
  FamilyRateLimitRef,
  familyLimitsOf,
} from '../schema/types/accounts.js';
import { ModelMappingInputRef, ModelMappingRef, modelMappingOf } from '../schema/types/model-mapping.js';
import type { LiveState, StateChange } from '../services/accounts/account-health.js';
import {
  ACCOUNT_TYPES,
  type Account,
  type AccountSecrets,
  type AccountType,
  type CreateAccountInput,
  type UpdateAccountInput,
} from '../services/accounts/account-types.js';
import type { ConnectionTestResult } from '../services/accounts/connection-tests.js';
import { idArg, present } from './input.js';
import { connectionOf, pageArgs, toConnection } from './page-info.js';

/** GraphQL enum names cannot hold '-': `claude-console` is claude_console on the wire, mapped back here. */
const AccountTypeEnum = builder.enumType('AccountType', {
  values: Object.fromEntries(
    ACCOUNT_TYPES.map((type) => [type.replaceAll('-', '_'), { value: type }]),
  ) as Record<string, { value: AccountType }>,
});

const LiveStateRef = builder.objectRef<LiveState>('AccountLiveState').implement({
  description: 'How the scheduler sees the account now; a timed state whose time has passed reads active.',
  fields: (t) => ({
    kind: t.exposeString('kind', {
      description: 'active, cooling, rate_limited, quota_exhausted or auth_failed.',
    }),
    until: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (state) => (state.until === undefined ? null : new Date(state.until)),
    }),
    reason: t.exposeString('reason', { nullable: true }),
    familyLimits: t.field({
      type: [FamilyRateLimitRef],
      description: 'Model families rate-limited on their own, each with when it is free again.',
      resolve: (state) => familyLimitsOf(state),
    }),
    lowHeadroom: t.exposeBoolean('lowHeadroom'),
  }),
});

const StateChangeRef = builder.objectRef<StateChange>('AccountStateChange').implement({
  fields: (t) => ({
    accountId: t.exposeString('accountId'),
    at: t.field({ type: 'DateTime', resolve: (change) => new Date(change.at) }),
    from: t.exposeString('from'),
    to: t.exposeString('to'),
    until: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (change) => (change.until > 0 ? new Date(change.until) : null),
    }),
    reason: t.exposeString('reason'),
    family: t.exposeString('family', { nullable: true }),
  }),
});

const ConnectionTestRef = builder.objectRef<ConnectionTestResult>('ConnectionTestResult').implement({
  fields: (t) => ({
    accountId: t.exposeString('accountId'),
    at: t.field({ type: 'DateTime', resolve: (result) => new Date(result.at) }),
    ok: t.exposeBoolean('ok'),
    status: t.exposeInt('status', { nullable: true }),
    latencyMs: t.exposeFloat('latencyMs'),
    model: t.exposeString('model'),
    message: t.exposeString('message', { nullable: true }),
  }),
});

export const AccountRef = builder.objectRef<Account>('Account').implement({
  description: 'An upstream account of the pool. Its secrets never leave the server.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    type: t.field({ type: AccountTypeEnum, resolve: (account) => account.type }),
    platform: t.exposeString('platform'),
    baseUrl: t.exposeString('baseUrl'),
    authHeader: t.exposeString('authHeader'),
    region: t.exposeString('region', { nullable: true }),
    proxy: t.field({ type: AccountProxyRef, nullable: true, resolve: (account) => account.proxy ?? null }),
    priority: t.exposeInt('priority'),
    weight: t.exposeInt('weight'),
    maxConcurrency: t.exposeInt('maxConcurrency'),
    schedulable: t.exposeBoolean('schedulable'),
    dedicated: t.exposeBoolean('dedicated', {
      description: 'Serves only keys bound to it (or to a group it is in), never the rest of the pool.',
    }),
    modelMapping: t.field({
      type: [ModelMappingRef],
      resolve: (account) => modelMappingOf(account.modelMapping),
    }),
    supportedModels: t.exposeStringList('supportedModels'),
    projectId: t.exposeString('projectId', {
      nullable: true,
      description: 'gemini-oauth: the Google Cloud project set for it; null when Code Assist names its own.',
    }),
    apiVersion: t.exposeString('apiVersion', {
      nullable: true,
      description: 'azure-openai: the api-version its requests carry; null is the v1 API.',
    }),
    deployments: t.field({
      type: [AzureDeploymentRef],
      description:
        'azure-openai: the deployment serving each model (others go to the deployment of their name).',
      resolve: (account) => deploymentsOf(account.deployments),
    }),
    enabled: t.boolean({ resolve: (account) => account.state.kind === 'active' }),
    disabledReason: t.string({
      nullable: true,
      resolve: (account) => (account.state.kind === 'disabled' ? (account.state.reason ?? null) : null),
    }),
    live: t.field({
      type: LiveStateRef,
      resolve: (account, _args, context) =>
        context.services.control.accounts.liveState(requireUser(context), account),
    }),
    history: t.field({
      type: [StateChangeRef],
      description: 'State transitions, newest first.',
      args: { last: t.arg.int({ defaultValue: 20 }) },
      resolve: (account, args, context) =>
        context.services.control.accounts.history(requireUser(context), account.id, args.last ?? 20),
    }),
    connectionTests: t.field({
      type: [ConnectionTestRef],
      description: 'Recent connection tests, newest first.',
      args: { last: t.arg.int({ defaultValue: 5 }) },
      resolve: (account, args, context) =>
        context.services.control.accounts.connectionTests(requireUser(context), account.id, args.last ?? 5),
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (account) => new Date(account.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', resolve: (account) => new Date(account.updatedAt) }),
  }),
});

const AccountConnection = connectionOf('Account', AccountRef);

const CredentialsInputRef = builder.inputType('AccountCredentialsInput', {
  description: 'Which fields an account needs depends on its type; they are sealed at rest and never shown.',
  fields: (t) => ({
    apiKey: t.string({ description: 'The upstream API key; droid: a Factory API key (fk-…).' }),
    accessToken: t.string(),
    refreshToken: t.string({
      description:
        'OAuth tokens; droid: the WorkOS refresh token of a Droid CLI sign-in, instead of apiKey (with accessToken ' +
        'and expiresAt optional: without them the first request refreshes).',
    }),
    expiresAt: t.field({ type: 'DateTime' }),
    chatgptAccountId: t.string({ description: 'openai-oauth: the ChatGPT account the tokens act for.' }),
    awsAccessKeyId: t.string(),
    awsSecretAccessKey: t.string(),
    awsSessionToken: t.string(),
    proxyPassword: t.string(),
  }),
});

type PothosInputFields = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];
/** Settings shared by create, update and the OAuth exchange. */
export const settingFields = (t: PothosInputFields) => ({
  name: t.string(),
  description: t.string(),
  baseUrl: t.string(),
  authHeader: t.string({
    description:
      'x-api-key or bearer (azure-openai: bearer sends a Microsoft Entra ID token, otherwise the api-key header).',
  }),
  region: t.string(),
  proxy: t.field({
    type: AccountProxyInputRef,
    description: 'The proxy to reach the upstream through; null for none.',
  }),
  priority: t.int(),
  weight: t.int(),
  maxConcurrency: t.int(),
  schedulable: t.boolean(),
  dedicated: t.boolean({
    description:
      'Serve only keys bound to this account (or to a group it is in), never the rest of the pool.',
  }),
  modelMapping: t.field({
    type: [ModelMappingInputRef],
    description: 'Client model names and what each is sent upstream as; replaces the whole mapping.',
  }),
  supportedModels: t.stringList(),
  projectId: t.string({
    description:
      'gemini-oauth: the Google Cloud project Code Assist calls run in; unset, the account’s own is found.',
  }),
});

/** Settings of azure-openai accounts, on create and update. */
const azureFields = (t: PothosInputFields) => ({
  apiVersion: t.string({
    description:
      'azure-openai: 2024-10-21 or 2025-04-01-preview (chat names the deployment in the path), preview, latest, ' +
      'or v1 (the default: the v1 API).',
  }),
  deployments: t.field({
    type: [AzureDeploymentInputRef],
    description: 'azure-openai: the deployment serving each model; replaces the whole list.',
  }),
});

const CreateAccountInputRef = builder.inputType('CreateAccountInput', {
  fields: (t) => ({
    ...settingFields(t),
    ...azureFields(t),
    name: t.string({ required: true }),
    type: t.field({ type: AccountTypeEnum, required: true }),
    credentials: t.field({ type: CredentialsInputRef, required: true }),
  }),
});

const UpdateAccountInputRef = builder.inputType('UpdateAccountInput', {
  fields: (t) => ({
    ...settingFields(t),
    ...azureFields(t),
    credentials: t.field({ type: CredentialsInputRef }),
  }),
});

/** The secrets as the service takes them: times in ms. */
function secretsOf(input: { expiresAt?: Date | null } & Record<string, unknown>): AccountSecrets {
  const { expiresAt, ...rest } = present(input);
  return {
    ...rest,
    ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.getTime() }),
  } as AccountSecrets;
}

builder.queryField('accounts', (t) =>
  t.field({
    type: AccountConnection,
    description: 'Readers only. Newest first.',
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, context) =>
      toConnection(await context.services.control.accounts.list(requireUser(context), pageArgs(args))),
  }),
);

builder.queryField('account', (t) =>
  t.field({
    type: AccountRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.accounts.get(requireUser(context), idArg(args.id)),
  }),
);

builder.mutationField('createAccount', (t) =>
  t.field({
    type: AccountRef,
    args: { input: t.arg({ type: CreateAccountInputRef, required: true }) },
    resolve: (_root, args, context) => {
      const { credentials, proxy, modelMapping, deployments, ...settings } = present(args.input);
      return context.services.control.accounts.create(requireUser(context), {
        ...settings,
        ...accountSettingsOf(args.input),
        credentials: secretsOf(credentials),
      } as CreateAccountInput);
    },
  }),
);

builder.mutationField('updateAccount', (t) =>
  t.field({
    type: AccountRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateAccountInputRef, required: true }) },
    resolve: (_root, args, context) => {
      const { credentials, proxy, modelMapping, deployments, ...settings } = present(args.input);
      const patch = {
        ...settings,
        ...accountSettingsOf(args.input),
        ...(credentials ? { credentials: secretsOf(credentials) } : {}),
      };
      return context.services.control.accounts.update(
        requireUser(context),
        idArg(args.id),
        patch as UpdateAccountInput,
      );
    },
  }),
);

builder.mutationField('enableAccount', (t) =>
  t.field({
    type: AccountRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.accounts.enable(requireUser(context), idArg(args.id)),
  }),
);

builder.mutationField('disableAccount', (t) =>
  t.field({
    type: AccountRef,
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: (_root, args, context) =>
      context.services.control.accounts.disable(
        requireUser(context),
        idArg(args.id),
        args.reason ?? undefined,
      ),
  }),
);

builder.mutationField('deleteAccount', (t) =>
  t.boolean({
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      await context.services.control.accounts.delete(requireUser(context), idArg(args.id));
      return true;
    },
  }),
);

builder.mutationField('resetAccount', (t) =>
  t.field({
    type: LiveStateRef,
    description: 'Back into service now, whatever the scheduler had decided.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.accounts.reset(requireUser(context), idArg(args.id)),
  }),
);

builder.mutationField('testAccount', (t) =>
  t.field({
    type: ConnectionTestRef,
    description: 'Sends a tiny request through the account; success puts it back in service.',
    args: { id: t.arg.id({ required: true }), model: t.arg.string() },
    resolve: (_root, args, context) =>
      context.services.control.accounts.test(requireUser(context), idArg(args.id), args.model ?? undefined),
  }),
);
