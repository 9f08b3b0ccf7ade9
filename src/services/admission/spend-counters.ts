// The key's spend counters (day, week, month, total, per-family week) and the limits that apply to them.
import type { StoredApiKey } from '../api-keys/api-key-types.js';
import type { ModelFamily } from '../domain/platforms.js';
import type { EffectiveSpendLimit, SpendPeriod } from '../spend-limits/spend-limit-types.js';
import type { LimitPeriods } from './limit-periods.js';

/** The limits a key carries itself. */
export type KeyCostLimitName = 'daily' | 'weekly' | 'monthly' | 'total' | `weekly_${ModelFamily}`;
/** ...and its owner's, across all their keys. */
export type CostLimitName = KeyCostLimitName | `user_${SpendPeriod}`;

export interface SpendCounter {
  name: CostLimitName;
  /** Key suffix after the key's slot prefix. */
  suffix: string;
  /** When the counter's period ends (0: never). */
  endsAt: number;
  /** How long the counter is kept, seconds (0: kept for good). */
  ttlSeconds: number;
  /** The limit on it, micro-USD, if the key has one. */
  limitMicros: number | undefined;
}

/** A counter of the key's own. */
export interface KeySpendCounter extends SpendCounter {
  name: KeyCostLimitName;
}

const DAY_SECONDS = 86_400;

/** Every counter a request of this model spends into; each carries the key's limit on it, if any. */
export function spendCounters(
  key: Pick<StoredApiKey, 'limits'>,
  periods: LimitPeriods,
  family: ModelFamily | undefined,
): KeySpendCounter[] {
  const { limits } = key;
  const counters: KeySpendCounter[] = [
    {
      name: 'daily',
      suffix: `spend:day:${periods.day}`,
      endsAt: periods.dayEndsAt,
      ttlSeconds: 3 * DAY_SECONDS,
      limitMicros: limits.dailyCostMicros,
    },
    {
      name: 'weekly',
      suffix: `spend:week:${periods.week}`,
      endsAt: periods.weekEndsAt,
      ttlSeconds: 15 * DAY_SECONDS,
      limitMicros: limits.weeklyCostMicros,
    },
    {
      name: 'monthly',
      suffix: `spend:month:${periods.month}`,
      endsAt: periods.monthEndsAt,
      ttlSeconds: 63 * DAY_SECONDS,
      limitMicros: limits.monthlyCostMicros,
    },
    { name: 'total', suffix: 'spend:total', endsAt: 0, ttlSeconds: 0, limitMicros: limits.totalCostMicros },
  ];
  if (family) {
    counters.push({
      name: `weekly_${family}`,
      suffix: `spend:week:${periods.week}:${family}`,
      endsAt: periods.weekEndsAt,
      ttlSeconds: 15 * DAY_SECONDS,
      limitMicros: limits.weeklyCostMicrosByFamily?.[family],
    });
  }
  return counters;
}

/**
 * The key owner's own counters, shared by all their keys and devices: counted for every request of an owned
 * key (so a cap set mid-month already sees the month), each with the user's cap for its period, if any. Their
 * suffixes follow the user's slot prefix: the owner's side of admission and settle runs in that slot.
 */
export function userSpendCounters(
  periods: LimitPeriods,
  limits: readonly EffectiveSpendLimit[],
): SpendCounter[] {
  const capOf = (period: SpendPeriod) => limits.find((limit) => limit.period === period)?.amountMicros;
  return [
    {
      name: 'user_daily',
      suffix: `spend:day:${periods.day}`,
      endsAt: periods.dayEndsAt,
      ttlSeconds: 3 * DAY_SECONDS,
      limitMicros: capOf('daily'),
    },
    {
      name: 'user_weekly',
      suffix: `spend:week:${periods.week}`,
      endsAt: periods.weekEndsAt,
      ttlSeconds: 15 * DAY_SECONDS,
      limitMicros: capOf('weekly'),
    },
    {
      name: 'user_monthly',
      suffix: `spend:month:${periods.month}`,
      endsAt: periods.monthEndsAt,
      ttlSeconds: 63 * DAY_SECONDS,
      limitMicros: capOf('monthly'),
    },
  ];
}
