// The refusal when a person's own spend cap is reached: 429 with Anthropic's `billing_error` and the
// `anthropic-ratelimit-unified-*` headers Claude Code reads (its gateway protocol's "usage-limit headers"), so it
// prints the message as is, knows when the cap resets, and does not retry into the block.
import { AppError } from '../../errors/app-error.js';

const PERIODS: Record<string, string> = {
  user_daily: 'daily',
  user_weekly: 'weekly',
  user_monthly: 'monthly',
};

export function isUserSpendCap(limit: string): boolean {
  return limit in PERIODS;
}

function resetDay(at: number): string {
  return new Date(at).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

function usd(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(2)}`;
}

/** `detail` is admission-n.lua's cost refusal for a `user_*` counter. */
export function userSpendCapError(detail: Record<string, unknown>, now = Date.now()): AppError {
  const period = PERIODS[String(detail.limit)] ?? 'monthly';
  const resetAt = Number(detail.resetAt);
  const max = Number(detail.maxMicros);
  const spent = Number(detail.spentMicros);
  if (detail.reason === 'in_flight') {
    return new AppError(
      'rate_limited',
      `The rest of your ${period} spend limit is held by your requests still running; retry when they finish`,
      { details: detail, retryAfterSeconds: 1 },
    );
  }
  const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
  const resetSeconds = String(Math.floor(resetAt / 1000));
  return new AppError(
    'quota_exceeded',
    `Your ${period} spend limit on this relay is reached (${usd(spent)} of ${usd(max)}) · resets ` +
      `${resetDay(resetAt)} · ask an admin of the relay to raise it`,
    {
      httpStatus: 429,
      retryable: false,
      retryAfterSeconds,
      details: detail,
      headers: {
        'anthropic-ratelimit-unified-status': 'rejected',
        'anthropic-ratelimit-unified-reset': resetSeconds,
        'anthropic-ratelimit-unified-overage-reset': resetSeconds,
        'anthropic-ratelimit-unified-overage-utilization': '1',
        'anthropic-ratelimit-unified-overage-surpassed-threshold': '1',
        'anthropic-ratelimit-unified-overage-period': period,
        'anthropic-ratelimit-unified-overage-disabled-reason': 'org_spend_cap_reached',
      },
    },
  );
}
