// GraphQL types of an upstream account's structured settings (proxy, model mapping, Azure deployments) and of its per-family rate
// limits, as outputs and as inputs, mirroring the zod schemas of services/accounts/account-types.ts. Validation
// stays in those schemas: turning an input into the service's shape only changes its form (the mapping's pairs
// into a record, GraphQL's nulls dropped), so the service's errors still name the offending field.
import type { LiveState } from '../../services/accounts/account-health.js';
import { type ProxyConfig, proxySchema } from '../../services/accounts/account-types.js';
import { builder } from '../builder.js';
import { type ModelMappingPair, mappingRecordOf, pairRecordOf } from './model-mapping.js';

const ProxyProtocolEnum = builder.enumType('ProxyProtocol', {
  description: 'How the proxy is spoken to: an HTTP(S) CONNECT proxy, or SOCKS5.',
  values: proxySchema.shape.protocol.options,
});

/** One rate limit on a model family, from the live state's `families` record. */
interface FamilyRateLimit {
  family: string;
  until: number;
}

/** One model and the Azure deployment that serves it, from an azure-openai account's `deployments` record. */
interface AzureDeploymentPair {
  model: string;
  deployment: string;
}

// ---- Outputs -------------------------------------------------------------------------------------------------

export const AccountProxyRef = builder.objectRef<ProxyConfig>('AccountProxy').implement({
  description: 'The proxy requests to the upstream go through; its password is a secret and never shown.',
  fields: (t) => ({
    protocol: t.field({ type: ProxyProtocolEnum, resolve: (proxy) => proxy.protocol }),
    host: t.exposeString('host'),
    port: t.exposeInt('port'),
    username: t.exposeString('username', { nullable: true }),
  }),
});

export const AzureDeploymentRef = builder.objectRef<AzureDeploymentPair>('AzureDeployment').implement({
  description: 'An azure-openai account sends requests for `model` to its deployment `deployment`.',
  fields: (t) => ({
    model: t.exposeString('model'),
    deployment: t.exposeString('deployment'),
  }),
});

/** An azure-openai account's deployments as pairs, in the order they were given. */
export function deploymentsOf(deployments: Record<string, string> | undefined): AzureDeploymentPair[] {
  return Object.entries(deployments ?? {}).map(([model, deployment]) => ({ model, deployment }));
}

export const FamilyRateLimitRef = builder.objectRef<FamilyRateLimit>('FamilyRateLimit').implement({
  description: 'A model family rate-limited on its own, and when it is free again.',
  fields: (t) => ({
    family: t.exposeString('family'),
    until: t.field({ type: 'DateTime', resolve: (limit) => new Date(limit.until) }),
  }),
});

/** The live state's per-family rate limits as a list. */
export function familyLimitsOf(state: LiveState): FamilyRateLimit[] {
  return Object.entries(state.families).map(([family, until]) => ({ family, until }));
}

// ---- Inputs --------------------------------------------------------------------------------------------------

export const AccountProxyInputRef = builder.inputType('AccountProxyInput', {
  description: 'The password, if the proxy needs one, goes with the secrets (credentials.proxyPassword).',
  fields: (t) => ({
    protocol: t.field({ type: ProxyProtocolEnum, required: true }),
    host: t.string({ required: true }),
    port: t.int({ required: true }),
    username: t.string(),
  }),
});

export const AzureDeploymentInputRef = builder.inputType('AzureDeploymentInput', {
  description: 'An azure-openai account sends requests for `model` to its deployment `deployment`.',
  fields: (t) => ({
    model: t.string({ required: true }),
    deployment: t.string({ required: true }),
  }),
});

// ---- From inputs to the service's shape ----------------------------------------------------------------------

/** The typed settings of an account input as GraphQL gives them: absent, null, or the value. */
export interface AccountSettingsArgs {
  proxy?: { protocol: ProxyConfig['protocol']; host: string; port: number; username?: string | null } | null;
  modelMapping?: readonly ModelMappingPair[] | null;
  deployments?: readonly AzureDeploymentPair[] | null;
}

/**
 * Proxy, model mapping and deployments as the account service takes them. An explicit null proxy removes the
 * proxy (the service's "none"); a null mapping is "not given". The result is checked by the service's schema.
 */
export function accountSettingsOf(args: AccountSettingsArgs): {
  proxy?: ProxyConfig | null;
  modelMapping?: Record<string, string>;
  deployments?: Record<string, string>;
} {
  const { proxy, modelMapping, deployments } = args;
  return {
    ...(proxy === undefined ? {} : { proxy: proxy && proxyOf(proxy) }),
    ...(modelMapping == null ? {} : { modelMapping: mappingRecordOf(modelMapping) }),
    ...(deployments == null
      ? {}
      : {
          deployments: pairRecordOf(
            'deployments',
            deployments.map(({ model, deployment }) => ({ from: model, to: deployment })),
            'model',
          ),
        }),
  };
}

function proxyOf(proxy: NonNullable<AccountSettingsArgs['proxy']>): ProxyConfig {
  const { username, ...rest } = proxy;
  return { ...rest, ...(username == null ? {} : { username }) };
}
