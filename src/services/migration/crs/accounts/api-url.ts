// The API-key kinds of CRS keep a base URL and an API key; these read them alike.
import type { CreateAccountInput } from '../../../accounts/account-types.js';
import type { CrsFields } from '../crs-fields.js';
import { modelsOf } from './crs-account-common.js';

/** A base URL CRS appends an endpoint path to, without what it would append itself. */
export function baseUrlOf(value: string | undefined, endpoint: RegExp): string | undefined {
  const trimmed = value?.trim().replace(/\/+$/, '');
  if (!trimmed) return undefined;
  return trimmed.replace(endpoint, '');
}

/**
 * CRS's model mapping (`supportedModels` as an object, requested → upstream; `{}` = every model): a non-empty
 * one also limits the account to the models it names, so those become the supported models here.
 */
export function mappedModels(
  raw: CrsFields,
  notes: string[],
): Pick<CreateAccountInput, 'modelMapping' | 'supportedModels'> {
  const { supportedModels, modelMapping } = modelsOf(raw.supportedModels, notes);
  const names = [...supportedModels, ...Object.keys(modelMapping)];
  const renamed = Object.fromEntries(Object.entries(modelMapping).filter(([from, to]) => from !== to));
  return {
    modelMapping: renamed,
    supportedModels: names.filter((name) => /^[A-Za-z0-9._:/@-]+\*?$/.test(name) && name.length <= 200),
  };
}

/** Fields CRS uses for accounting or pacing that this relay has no per-account setting for. */
export function noteUnmatched(raw: CrsFields, notes: string[]): void {
  if (Number(raw.dailyQuota) > 0)
    notes.push('dailyQuota (a per-account daily spend cap) has no equivalent; left out');
  if (raw.subscriptionExpiresAt) {
    notes.push(
      `subscriptionExpiresAt (${raw.subscriptionExpiresAt}) not imported: accounts here do not expire`,
    );
  }
  if (raw.userAgent)
    notes.push('custom userAgent not imported: the client’s own User-Agent is sent upstream');
}
