// What an upstream answer says about the account that gave it: the state the account should move to.
import { rateLimitScope } from '../domain/model-family.js';

export type LiveStateKind = 'active' | 'cooling' | 'rate_limited' | 'quota_exhausted' | 'auth_failed';

/**
 * What an answer's rate-limit headers say, read by the provider of the account's kind (each vendor names and
 * formats them its own way). Anthropic's `anthropic-ratelimit-*` are read here when a provider says nothing.
 */
export interface RateLimitReading {
  /** Less than a tenth of some limit is left: the account is tried last. */
  low?: boolean | undefined;
  /** When an exhausted limit resets, ms since the epoch. */
  resetAt?: number | undefined;
}

export type UpstreamSignal =
  | {
      kind: 'answered';
      status: number;
      headers: Record<string, string | string[] | undefined>;
      message?: string;
      limits?: RateLimitReading | undefined;
    }
  | { kind: 'transport'; timeout: boolean }
  | {
      kind: 'stream-error';
      type: string;
      message?: string;
      /**
       * Whose fault the error is, as the format that knows its vendor's codes reads it (`request`: another
       * account would fail the same); absent, the Anthropic types below decide.
       */
      blame?: StreamErrorBlame | undefined;
    }
  /** The account's credential could not be obtained (an OAuth refresh was refused). */
  | { kind: 'credential'; message: string };

export interface Transition {
  to: LiveStateKind;
  /** Ms since the epoch; 0 for states without an end. */
  until: number;
  reason: string;
  /** Set when the limit applies to one model family (Claude) or one model (Gemini) only. */
  family?: string;
}

export interface HealthSettings {
  /** Cooling after an overload (529). */
  overloadCooldownMs: number;
  /** Cooling after a 5xx, a timeout or a connection failure. */
  errorCooldownMs: number;
  /** Rate-limited time when a 429 says nothing about when to come back. */
  rateLimitDefaultMs: number;
  /** How long an account out of credit rests before it is tried again. */
  quotaCooldownMs: number;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** When a 429 says the account may come back: retry-after (seconds or a date), else the latest reset time. */
export function retryAt(
  headers: Record<string, string | string[] | undefined>,
  now: number,
): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return now + seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return date;
  }
  let latest: number | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('anthropic-ratelimit-') || !name.endsWith('-reset')) continue;
    const remaining = Number(header(headers, name.replace(/-reset$/, '-remaining')));
    const reset = Date.parse(Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
    // Only an exhausted dimension holds the account back.
    if (Number.isFinite(reset) && remaining === 0 && (latest === undefined || reset > latest)) latest = reset;
  }
  return latest;
}

/** What an upstream failure says about the account, or undefined when the request itself was at fault. */
export type AccountFault =
  | 'rate_limited'
  | 'overloaded'
  | 'error'
  | 'timeout'
  | 'unreachable'
  | 'auth'
  | 'quota';

/** What an in-stream error says, in the relay's words: the request's fault, or one of the account's. */
export type StreamErrorBlame = 'request' | 'rate_limited' | 'overloaded' | 'quota' | 'error';

/** In-stream error types that describe the request, not the account: another account would fail the same. */
const REQUEST_ERROR_TYPES = new Set(['invalid_request_error', 'not_found_error', 'request_too_large']);

export function accountFault(signal: UpstreamSignal): AccountFault | undefined {
  switch (signal.kind) {
    case 'transport':
      return signal.timeout ? 'timeout' : 'unreachable';
    case 'credential':
      return 'auth';
    case 'stream-error':
      if (signal.blame !== undefined) return signal.blame === 'request' ? undefined : signal.blame;
      if (REQUEST_ERROR_TYPES.has(signal.type)) return undefined;
      if (signal.type === 'overloaded_error') return 'overloaded';
      if (signal.type === 'rate_limit_error') return 'rate_limited';
      return 'error';
    case 'answered': {
      const { status } = signal;
      if (status === 429) return 'rate_limited';
      if (status === 529) return 'overloaded';
      if (status === 401 || status === 403) return 'auth';
      if (status === 402 || (status === 400 && /credit balance|billing|quota/i.test(signal.message ?? ''))) {
        return 'quota';
      }
      return status >= 500 ? 'error' : undefined;
    }
  }
}

/** The state an account moves to after an upstream failure; undefined when the account is not to blame. */
export function transitionFor(
  signal: UpstreamSignal,
  model: string | undefined,
  now: number,
  settings: HealthSettings,
): Transition | undefined {
  const fault = accountFault(signal);
  switch (fault) {
    case undefined:
      return undefined;
    case 'rate_limited': {
      const headers = signal.kind === 'answered' ? signal.headers : {};
      const resetAt =
        retryAt(headers, now) ?? (signal.kind === 'answered' ? signal.limits?.resetAt : undefined);
      const until = Math.max(resetAt ?? now + settings.rateLimitDefaultMs, now + 1000);
      // The upstream scopes a limit to a model family by naming it ("Opus weekly limit reached"), or to one
      // model (Google's quotas: "…, model: gemini-2.5-pro").
      const message = (
        signal.kind === 'answered' || signal.kind === 'stream-error' ? (signal.message ?? '') : ''
      ).toLowerCase();
      const family = model ? rateLimitScope(model) : undefined;
      const scoped = family !== undefined && message.includes(family);
      return { to: 'rate_limited', until, reason: 'rate_limited', ...(scoped ? { family } : {}) };
    }
    case 'overloaded':
      return { to: 'cooling', until: now + settings.overloadCooldownMs, reason: 'overloaded' };
    case 'auth':
      return {
        to: 'auth_failed',
        until: 0,
        reason: signal.kind === 'answered' ? `upstream_${signal.status}` : 'credential_refused',
      };
    case 'quota':
      return { to: 'quota_exhausted', until: now + settings.quotaCooldownMs, reason: 'quota_exhausted' };
    default: {
      const reason =
        signal.kind === 'answered'
          ? `upstream_${signal.status}`
          : signal.kind === 'stream-error'
            ? `stream_${signal.type}`
            : fault;
      return { to: 'cooling', until: now + settings.errorCooldownMs, reason };
    }
  }
}

/** The limits Anthropic reports as `anthropic-ratelimit-<name>-limit` / `-remaining` / `-reset`. */
const RATE_LIMITS = ['requests', 'tokens', 'input-tokens', 'output-tokens'].map((name) => ({
  limit: `anthropic-ratelimit-${name}-limit`,
  remaining: `anthropic-ratelimit-${name}-remaining`,
}));

/**
 * True when rate-limit headers show less than a tenth of some limit left: such accounts are tried last.
 * Undefined when the answer carries no such headers. Looks the known names up rather than scanning every
 * header: it runs after every relayed request.
 */
export function lowHeadroom(headers: Record<string, string | string[] | undefined>): boolean | undefined {
  let seen = false;
  for (const names of RATE_LIMITS) {
    const remaining = header(headers, names.remaining);
    if (remaining === undefined) continue;
    const limit = Number(header(headers, names.limit));
    const left = Number(remaining);
    if (!Number.isFinite(left) || !Number.isFinite(limit) || limit <= 0) continue;
    seen = true;
    if (left / limit < 0.1) return true;
  }
  return seen ? false : undefined;
}
