// CRS Droid (Factory) accounts: `droid:account:{id}` hashes (droidAccountService.createAccount), sealed with
// 'droid-account-salt': either Factory API keys (`apiKeys`, a JSON list of entries each with a sealed
// `encryptedKey`), or WorkOS tokens (`accessToken`/`refreshToken` sealed, `expiresAt` an ISO date).
import { crsJson, crsTime } from '../crs-fields.js';
import { type AccountSource, accountOf, type CrsAccountKind, secret, stateOf } from './crs-account-common.js';

export const DROID_KIND: CrsAccountKind = {
  kind: 'droid',
  prefix: 'droid:account:',
  index: 'droid:account:index',
  storage: 'hash',
  derivation: { kind: 'scrypt', salt: 'droid-account-salt' },
  map(source: AccountSource) {
    const { fields: raw, notes } = source;
    const keys = apiKeysOf(source);
    if (keys.length > 1)
      notes.push(`${keys.length} Factory API keys in CRS; the first active one was imported`);
    const apiKey = keys[0];
    const refreshToken = apiKey ? undefined : secret(source, raw.refreshToken, 'refreshToken');
    const accessToken = apiKey ? undefined : secret(source, raw.accessToken, 'accessToken');
    if (!apiKey && !refreshToken) {
      return {
        ok: false,
        reason: 'no Factory API key or WorkOS refresh token (missing, or not decryptable)',
      };
    }
    if (raw.endpointType && raw.endpointType !== 'anthropic') {
      notes.push(
        `endpointType ${raw.endpointType}: here a Droid account serves each request on the endpoint of its format`,
      );
    }
    const expiresAt = accessToken ? crsTime(raw.expiresAt) : undefined;
    return accountOf(
      source,
      'droid',
      // Droid's scheduler requires schedulable to be exactly 'true', and ignores accountType: every Droid
      // account served every key there.
      { schedulable: raw.schedulable === 'true', dedicated: false },
      { apiKey, refreshToken, accessToken, ...(expiresAt === undefined ? {} : { expiresAt }) },
      // CRS schedules a Droid account only when its status is active ('created' accounts never serve).
      raw.status === 'created'
        ? { kind: 'disabled', since: Date.now(), reason: 'never activated in Claude Relay Service' }
        : stateOf(raw, Date.now()),
    );
  },
};

function apiKeysOf(source: AccountSource): string[] {
  const entries = crsJson(source.fields.apiKeys, source.notes, 'apiKeys');
  if (!Array.isArray(entries)) return [];
  const keys: string[] = [];
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object') continue;
    const { encryptedKey, status } = entry as Record<string, unknown>;
    if (status !== undefined && status !== 'active') continue;
    const key = secret(
      source,
      typeof encryptedKey === 'string' ? encryptedKey : undefined,
      'apiKeys[].encryptedKey',
    );
    if (key) keys.push(key.trim());
  }
  return keys;
}
