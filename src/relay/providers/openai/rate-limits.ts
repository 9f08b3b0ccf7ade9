// OpenAI's rate-limit headers (`x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, resets as durations
// such as `6ms`, `1s`, `6m0s`) and Codex's ChatGPT plan windows (`x-codex-{primary,secondary}-used-percent`,
// `-reset-after-seconds`, `-reset-at`), read as one reading about the account.
import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimitReading } from '../../../services/accounts/account-signals.js';

const LIMITS = ['requests', 'tokens'] as const;
const WINDOWS = ['primary', 'secondary'] as const;
/** Below this share of a limit left (or above this share used), the account is tried last. */
const LOW_SHARE = 0.1;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function readOpenAIRateLimits(
  headers: IncomingHttpHeaders,
  now: number,
): RateLimitReading | undefined {
  let seen = false;
  let low = false;
  let resetAt: number | undefined;
  const later = (at: number | undefined) => {
    if (at !== undefined && (resetAt === undefined || at > resetAt)) resetAt = at;
  };
  for (const name of LIMITS) {
    const remaining = number(headers[`x-ratelimit-remaining-${name}`]);
    const limit = number(headers[`x-ratelimit-limit-${name}`]);
    if (remaining === undefined || limit === undefined || limit <= 0) continue;
    seen = true;
    if (remaining / limit < LOW_SHARE) low = true;
    if (remaining === 0) later(durationFrom(headers[`x-ratelimit-reset-${name}`], now));
  }
  for (const window of WINDOWS) {
    const used = number(headers[`x-codex-${window}-used-percent`]);
    if (used === undefined) continue;
    seen = true;
    if (used >= (1 - LOW_SHARE) * 100) low = true;
    if (used < 100) continue;
    const after = number(headers[`x-codex-${window}-reset-after-seconds`]);
    const at = number(headers[`x-codex-${window}-reset-at`]);
    later(after !== undefined ? now + after * 1000 : at !== undefined ? at * 1000 : undefined);
  }
  return seen ? { low, resetAt } : undefined;
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
