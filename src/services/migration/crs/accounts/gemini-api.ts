// CRS Gemini API accounts: `gemini_api_account:{id}` hashes (geminiApiAccountService.createAccount), an AI
// Studio key sealed with 'gemini-api-salt' and a base URL (`baseUrl`; CRS appends /v1beta/models/…), with the
// models it serves as a JSON list ('[]' = all).
import { crsJson } from '../crs-fields.js';
import { baseUrlOf } from './api-url.js';
import {
  type AccountSource,
  accountOf,
  type CrsAccountKind,
  NO_API_KEY,
  secret,
} from './crs-account-common.js';

export const GEMINI_API_KIND: CrsAccountKind = {
  kind: 'gemini-api',
  prefix: 'gemini_api_account:',
  index: 'gemini_api_account:index',
  storage: 'hash',
  derivation: { kind: 'scrypt', salt: 'gemini-api-salt' },
  map(source: AccountSource) {
    const { fields: raw, notes } = source;
    const apiKey = secret(source, raw.apiKey, 'apiKey');
    if (!apiKey) return NO_API_KEY;
    if (raw.baseUrl?.includes('{model}')) {
      return {
        ok: false,
        reason: `baseUrl ${raw.baseUrl} is a URL template; this relay builds Gemini paths itself`,
      };
    }
    const baseUrl = baseUrlOf(raw.baseUrl, /(\/v1beta)?\/models$/);
    const listed = crsJson(raw.supportedModels, notes, 'supportedModels');
    const supportedModels = Array.isArray(listed)
      ? listed.map(String).filter((model) => /^[A-Za-z0-9._:/@-]+\*?$/.test(model))
      : [];
    return accountOf(source, 'gemini-api', { ...(baseUrl ? { baseUrl } : {}), supportedModels }, { apiKey });
  },
};
