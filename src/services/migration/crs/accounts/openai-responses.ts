// CRS OpenAI-Responses accounts: `openai_responses_account:{id}` hashes (openaiResponsesAccountService
// .createAccount), an OpenAI-compatible API key sealed with 'openai-responses-salt' and `baseApi`, to which CRS
// appends /v1/responses (one /v1 dropped when baseApi ends with it).
import { baseUrlOf, noteUnmatched } from './api-url.js';
import {
  type AccountSource,
  type CrsAccountKind,
  commonFields,
  credentials,
  secret,
  stateOf,
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
    if (!apiKey) return { ok: false, reason: 'no API key (missing, or it could not be decrypted)' };
    const base = baseUrlOf(raw.baseApi, /\/v1\/responses$|\/responses$/);
    if (!base) return { ok: false, reason: 'no baseApi' };
    // Our OpenAI bases end where /responses is appended.
    const baseUrl = base.endsWith('/v1') ? base : `${base}/v1`;
    if (raw.providerEndpoint === 'auto') {
      notes.push(
        'providerEndpoint auto: here Chat Completions clients are served through /responses, as with "responses"',
      );
    }
    noteUnmatched(raw, notes);
    const common = commonFields(source);
    return {
      ok: true,
      state: stateOf(raw, Date.now()),
      input: {
        type: 'openai-api',
        ...common.fields,
        baseUrl,
        credentials: credentials({ apiKey }, common.proxyPassword),
      },
    };
  },
};
