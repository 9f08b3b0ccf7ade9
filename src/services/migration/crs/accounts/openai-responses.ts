// CRS OpenAI-Responses accounts: `openai_responses_account:{id}` hashes (openaiResponsesAccountService
// .createAccount), an OpenAI-compatible API key sealed with 'openai-responses-salt' and `baseApi`, to which CRS
// appends /v1/responses (one /v1 dropped when baseApi ends with it).
import { baseUrlOf, noteUnmatched } from './api-url.js';
import {
  type AccountSource,
  accountOf,
  type CrsAccountKind,
  NO_API_KEY,
  secret,
} from './crs-account-common.js';

export const OPENAI_RESPONSES_KIND: CrsAccountKind = {
  kind: 'openai-responses',
  prefix: 'openai_responses_account:',
  index: 'openai_responses_account:index',
  storage: 'hash',
  derivation: { kind: 'scrypt', salt: 'openai-responses-salt' },
  map(source: AccountSource) {
    const { fields: raw, notes } = source;
    const apiKey = secret(source, raw.apiKey, 'apiKey');
    if (!apiKey) return NO_API_KEY;
    const base = baseUrlOf(raw.baseApi, /\/v1\/responses$|\/responses$/);
    if (!base) return { ok: false, reason: 'no baseApi' };
    if (raw.providerEndpoint === 'auto') {
      notes.push(
        'providerEndpoint auto: here Chat Completions clients are served through /responses, as with "responses"',
      );
    }
    noteUnmatched(raw, notes);
    // Our OpenAI bases end where /responses is appended.
    return accountOf(
      source,
      'openai-api',
      { baseUrl: base.endsWith('/v1') ? base : `${base}/v1` },
      { apiKey },
    );
  },
};
