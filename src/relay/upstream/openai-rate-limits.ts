// The rate-limit headers of OpenAI's API and of those that copy it (Azure OpenAI): `x-ratelimit-{limit,remaining,
// reset}-{requests,tokens}` (resets as durations such as `6ms`, `1s`, `6m0s`), `retry-after-ms`, and Codex's
// ChatGPT plan windows (`x-codex-{primary,secondary}-used-percent`, `-reset-after-seconds`, `-reset-at`), each
// read as one reading about the account. Shared here, outside providers/, because providers never import each
// other.
import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimitReading } from '../../services/accounts/account-signals.js';

const LIMITS = ['requests', 'tokens'] as const;
const WINDOWS = ['primary', 'secondary'] as const;
/** Below this share of a limit left (or above this share used), the account is tried last. */
const LOW_SHARE = 0.1;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** OpenAI's API and Codex's ChatGPT backend: request and token limits, and plan windows. */
export function readOpenAIRateLimits(
  headers: IncomingHttpHeaders,
  now: number,
): RateLimitReading | undefined {
  return mergeReadings(readRequestTokenLimits(headers, now), readCodexWindows(headers, now));
}

/**
 * `x-ratelimit-*-{requests,tokens}`. With its limit, a remaining count below a tenth of it is low headroom;
 * without it (Azure sends some answers so), only nothing left is. An exhausted limit resets after its
 * `x-ratelimit-reset-*` duration.
 */
export function readRequestTokenLimits(
  headers: IncomingHttpHeaders,
  now: number,
): RateLimitReading | undefined {
  let seen = false;
  let low = false;
  let resetAt: number | undefined;
  for (const name of LIMITS) {
    const remaining = number(headers[`x-ratelimit-remaining-${name}`]);
    if (remaining === undefined) continue;
    const limit = number(headers[`x-ratelimit-limit-${name}`]);
    if (limit !== undefined && limit <= 0) continue;
    seen = true;
    if (limit === undefined ? remaining <= 0 : remaining / limit < LOW_SHARE) low = true;
    if (remaining <= 0) resetAt = later(resetAt, durationFrom(headers[`x-ratelimit-reset-${name}`], now));
  }
  return seen ? { low, resetAt } : undefined;
}

/** `retry-after-ms` (the openai SDK reads it before `retry-after`): when to come back, ms since the epoch. */
export function retryAfterMsAt(headers: IncomingHttpHeaders, now: number): number | undefined {
  const ms = number(headers['retry-after-ms']);
  return ms !== undefined && ms >= 0 ? now + ms : undefined;
}

/** Several readings as one: low if any is, reset at the latest reset. */
export function mergeReadings(
  ...readings: ReadonlyArray<RateLimitReading | undefined>
): RateLimitReading | undefined {
  let merged: RateLimitReading | undefined;
  for (const reading of readings) {
    if (reading === undefined) continue;
    merged = {
      low: (merged?.low ?? false) || (reading.low ?? false),
      resetAt: later(merged?.resetAt, reading.resetAt),
    };
  }
  return merged;
}

function readCodexWindows(headers: IncomingHttpHeaders, now: number): RateLimitReading | undefined {
  let seen = false;
  let low = false;
  let resetAt: number | undefined;
  for (const window of WINDOWS) {
    const used = number(headers[`x-codex-${window}-used-percent`]);
    if (used === undefined) continue;
    seen = true;
    if (used >= (1 - LOW_SHARE) * 100) low = true;
    if (used < 100) continue;
    const after = number(headers[`x-codex-${window}-reset-after-seconds`]);
    const at = number(headers[`x-codex-${window}-reset-at`]);
    resetAt = later(
      resetAt,
      after !== undefined ? now + after * 1000 : at !== undefined ? at * 1000 : undefined,
    );
  }
  return seen ? { low, resetAt } : undefined;
}

function later(current: number | undefined, at: number | undefined): number | undefined {
  if (at === undefined) return current;
  return current === undefined || at > current ? at : current;
}

function text(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function number(value: string | string[] | undefined): number | undefined {
  const raw = text(value);
  if (raw === undefined || raw.trim() === '') return undefined;
  const parsed = Number(raw);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** `1m30.5s` → now + 90,500 ms; undefined for anything that is not such a duration. */
function durationFrom(value: string | string[] | undefined, now: number): number | undefined {
  const raw = text(value)?.trim();
  if (!raw) return undefined;
  let total = 0;
  let matched = '';
  for (const part of raw.matchAll(DURATION_PART)) {
    total += Number(part[1]) * (UNIT_MS[part[2] ?? 's'] ?? 0);
    matched += part[0];
  }
  return matched === raw ? now + total : undefined;
}
