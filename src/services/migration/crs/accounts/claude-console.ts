// CRS Claude Console accounts: `claude_console_account:{id}` hashes (claudeConsoleAccountService.createAccount):
// an Anthropic-compatible base URL (`apiUrl`, + /v1/messages) and an API key sealed with 'claude-console-salt',
// sent as x-api-key when it is an Anthropic key (`sk-ant-`) and as a bearer token otherwise.
import { crsNumber } from '../crs-fields.js';
import { baseUrlOf, mappedModels, noteUnmatched } from './api-url.js';
import {
  type AccountSource,
  accountOf,
  type CrsAccountKind,
  NO_API_KEY,
  secret,
} from './crs-account-common.js';

export function anthropicCompatible(type: 'claude-console' | 'ccr') {
  return (source: AccountSource) => {
    const { fields: raw, notes } = source;
    const apiKey = secret(source, raw.apiKey, 'apiKey');
    if (!apiKey) return NO_API_KEY;
    const baseUrl = baseUrlOf(raw.apiUrl, /\/v1\/messages$/);
    if (!baseUrl) return { ok: false as const, reason: 'no apiUrl' };
    const maxConcurrency = crsNumber(raw.maxConcurrentTasks) ?? 0;
    noteUnmatched(raw, notes);
    const settings = {
      baseUrl,
      authHeader: apiKey.startsWith('sk-ant-') ? ('x-api-key' as const) : ('bearer' as const),
      maxConcurrency: Math.min(Math.max(Math.round(maxConcurrency), 0), 10_000),
      ...mappedModels(raw, notes),
    };
    return accountOf(source, type, settings, { apiKey });
  };
}

export const CLAUDE_CONSOLE_KIND: CrsAccountKind = {
  kind: 'claude-console',
  prefix: 'claude_console_account:',
  index: 'claude_console_account:index',
  storage: 'hash',
  derivation: { kind: 'scrypt', salt: 'claude-console-salt' },
  map: anthropicCompatible('claude-console'),
};

/**
 * CRS's CCR accounts: the same fields, sealed with 'ccr-account-salt'. CRS reaches them only for models asked
 * for as `ccr,<model>`; here they join the Claude pool like any Anthropic-compatible endpoint.
 */
export const CCR_KIND: CrsAccountKind = {
  kind: 'ccr',
  prefix: 'ccr_account:',
  index: 'ccr_account:index',
  storage: 'hash',
  derivation: { kind: 'scrypt', salt: 'ccr-account-salt' },
  map(source) {
    source.notes.push(
      'CRS served this CCR account only for models asked as "ccr,<model>"; here it joins the Claude pool',
    );
    return anthropicCompatible('ccr')(source);
  },
};
