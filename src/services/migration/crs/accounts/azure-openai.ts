// CRS Azure OpenAI accounts: `azure_openai:account:{id}` hashes (azureOpenaiAccountService.createAccount), an
// Azure resource key sealed with scrypt salt 'azure-openai-account-default-salt' (config.security.azureOpenaiSalt
// overrides it there), the resource endpoint, an api-version, and ONE deployment every model is sent to.
// Azure is the one CRS kind whose higher priority number wins; ours are read lower-first.
import { crsJson, crsNumber } from '../crs-fields.js';
import { baseUrlOf } from './api-url.js';
import {
  type AccountSource,
  accountOf,
  type CrsAccountKind,
  NO_API_KEY,
  secret,
} from './crs-account-common.js';

export const AZURE_OPENAI_KIND: CrsAccountKind = {
  kind: 'azure-openai',
  prefix: 'azure_openai:account:',
  index: 'azure_openai:account:index',
  storage: 'hash',
  derivation: { kind: 'scrypt', salt: 'azure-openai-account-default-salt' },
  map(source: AccountSource) {
    const { fields: raw, notes } = source;
    const apiKey = secret(source, raw.apiKey, 'apiKey');
    if (!apiKey) return NO_API_KEY;
    const baseUrl = baseUrlOf(raw.azureEndpoint, /\/openai$/);
    if (!baseUrl) return { ok: false, reason: 'no azureEndpoint' };
    const deployment = raw.deploymentName?.trim() || 'default';
    const listed = crsJson(raw.supportedModels, notes, 'supportedModels');
    const models = Array.isArray(listed)
      ? listed.map(String).filter((model) => /^[A-Za-z0-9._:/@-]+$/.test(model))
      : [];
    const apiVersion = raw.apiVersion?.trim() || '2024-02-01';
    const validVersion = /^(v1|preview|latest|\d{4}-\d{2}-\d{2}(-preview)?)$/.test(apiVersion);
    if (!validVersion)
      notes.push(`apiVersion "${apiVersion}" is not an Azure api-version; left out (v1 API used)`);
    const priority = crsNumber(raw.priority) || 50;
    return accountOf(
      source,
      'azure-openai',
      {
        // CRS prefers the larger number here; 101 - p keeps the order among Azure accounts, lower first.
        priority: Math.min(Math.max(101 - Math.round(priority), 1), 1000),
        // CRS's Azure pool takes an account only when schedulable is exactly 'true'.
        schedulable: raw.schedulable === 'true',
        baseUrl,
        ...(validVersion ? { apiVersion } : {}),
        // Every model CRS listed goes to the one deployment, as CRS sent them.
        deployments: Object.fromEntries(models.map((model) => [model, deployment])),
        supportedModels: models,
      },
      { apiKey },
    );
  },
};
