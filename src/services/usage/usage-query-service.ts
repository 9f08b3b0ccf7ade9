// Reads usage back: rollup totals and per-model breakdowns over a day range, time series and top-N rankings.
// (The ledger itself is read back by the request log, services/request-log/.)
import { AppError } from '../../errors/app-error.js';
import type { Granularity } from '../redis/keys.js';
import type { RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import { daysBetween, periodsBetween } from './periods.js';
import { type Dimension, METRICS, type Metric } from './rollup-batch.js';

export interface UsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  costMicros: number;
}

export interface UsageSummary {
  dimension: Dimension;
  entity: string;
  from: string;
  to: string;
  totals: UsageTotals;
  byModel: Array<{ model: string } & UsageTotals>;
  byDay: Array<{ day: string } & UsageTotals>;
}

const FIELD_OF: Record<Metric, keyof UsageTotals> = {
  req: 'requests',
  in: 'inputTokens',
  out: 'outputTokens',
  cr: 'cacheReadTokens',
  cw5: 'cacheWrite5mTokens',
  cw1: 'cacheWrite1hTokens',
  cost: 'costMicros',
};

export function emptyTotals(): UsageTotals {
  return {
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    costMicros: 0,
  };
}

function isMetric(value: string): value is Metric {
  return (METRICS as readonly string[]).includes(value);
}

/** Adds a rollup hash's top-level metrics into `totals`. */
function addTotals(totals: UsageTotals, hash: Record<string, string>): UsageTotals {
  for (const metric of METRICS) {
    const value = hash[metric];
    if (value !== undefined) totals[FIELD_OF[metric]] += Number(value);
  }
  return totals;
}

export interface UsagePoint extends UsageTotals {
  /** The period's name: `2026-11-22T13`, `2026-11-22` or `2026-11`. */
  period: string;
  /** When the period starts, ms since the epoch. */
  start: number;
}

export interface UsageSeries {
  granularity: Granularity;
  points: UsagePoint[];
  totals: UsageTotals;
}

export interface RankedUsage {
  entity: string;
  costMicros: number;
  requests: number;
}

export class UsageQueryService {
  constructor(private readonly context: RedisContext) {}

  /** Day range is inclusive, `YYYY-MM-DD`, UTC. */
  async summary(dimension: Dimension, entity: string, from: string, to: string): Promise<UsageSummary> {
    let days: string[];
    try {
      days = daysBetween(from, to);
    } catch (error) {
      throw new AppError('invalid_request', (error as Error).message, { details: { field: 'from' } });
    }
    const pipeline = crossSlotPipeline(this.context.redis);
    for (const day of days) {
      pipeline.hgetall(this.context.keys.usageRollup(dimension, entity, 'day', day));
    }
    const results = (await pipeline.exec()) ?? [];
    const totals = emptyTotals();
    const models = new Map<string, UsageTotals>();
    const byDay: Array<{ day: string } & UsageTotals> = [];
    days.forEach((day, index) => {
      const hash = (results[index]?.[1] ?? {}) as Record<string, string>;
      const dayTotals = emptyTotals();
      for (const [field, value] of Object.entries(hash)) {
        const amount = Number(value);
        if (isMetric(field)) {
          dayTotals[FIELD_OF[field]] += amount;
          totals[FIELD_OF[field]] += amount;
          continue;
        }
        // Per-model fields are `m:<model>:<metric>`; model names may contain ':' so split at the last one.
        if (!field.startsWith('m:')) continue;
        const split = field.lastIndexOf(':');
        const model = field.slice(2, split);
        const metric = field.slice(split + 1);
        if (!isMetric(metric)) continue;
        let modelTotals = models.get(model);
        if (!modelTotals) {
          modelTotals = emptyTotals();
          models.set(model, modelTotals);
        }
        modelTotals[FIELD_OF[metric]] += amount;
      }
      byDay.push({ day, ...dayTotals });
    });
    const byModel = [...models.entries()]
      .map(([model, values]) => ({ model, ...values }))
      .sort((a, b) => b.costMicros - a.costMicros || b.requests - a.requests);
    return { dimension, entity, from, to, totals, byModel, byDay };
  }

  /** One point per period overlapping [from, to] (ms since the epoch), zero-filled, oldest first. */
  async series(
    dimension: Dimension,
    entity: string,
    granularity: Granularity,
    from: number,
    to: number,
  ): Promise<UsageSeries> {
    const periods = rangeOf(granularity, from, to);
    const pipeline = crossSlotPipeline(this.context.redis);
    for (const { period } of periods) {
      pipeline.hgetall(this.context.keys.usageRollup(dimension, entity, granularity, period));
    }
    const results = (await pipeline.exec()) ?? [];
    const totals = emptyTotals();
    const points = periods.map(({ period, start }, index) => {
      const hash = (results[index]?.[1] ?? {}) as Record<string, string>;
      addTotals(totals, hash);
      return { period, start, ...addTotals(emptyTotals(), hash) };
    });
    return { granularity, points, totals };
  }

  /**
   * The entities that cost most over the periods overlapping [from, to], requests breaking ties; `only`
   * restricts the ranking to some entities (a member's own keys).
   */
  async top(
    dimension: Exclude<Dimension, 'global'>,
    granularity: Granularity,
    from: number,
    to: number,
    limit: number,
    only?: ReadonlySet<string>,
  ): Promise<RankedUsage[]> {
    const { redis, keys } = this.context;
    const rankings = rangeOf(granularity, from, to).map(({ period }) =>
      keys.usageRanking(dimension, granularity, period),
    );
    // ZUNION reads without storing; the ranking keys share the {usage} slot, so this also runs on a cluster.
    const [costs, requests] = await Promise.all([
      redis.call('ZUNION', rankings.length, ...rankings, 'WITHSCORES'),
      redis.call('ZUNION', rankings.length, ...rankings.map((key) => `${key}:req`), 'WITHSCORES'),
    ]);
    const ranked = new Map<string, RankedUsage>();
    const fold = (raw: unknown, field: 'costMicros' | 'requests') => {
      const list = Array.isArray(raw) ? (raw as string[]) : [];
      for (let index = 0; index + 1 < list.length; index += 2) {
        const entity = list[index] ?? '';
        if (only && !only.has(entity)) continue;
        const entry = ranked.get(entity) ?? { entity, costMicros: 0, requests: 0 };
        entry[field] = Number(list[index + 1]);
        ranked.set(entity, entry);
      }
    };
    fold(costs, 'costMicros');
    fold(requests, 'requests');
    return [...ranked.values()]
      .sort(
        (a, b) => b.costMicros - a.costMicros || b.requests - a.requests || (a.entity < b.entity ? -1 : 1),
      )
      .slice(0, limit);
  }
}

function rangeOf(granularity: Granularity, from: number, to: number) {
  try {
    return periodsBetween(granularity, from, to);
  } catch (error) {
    throw new AppError('invalid_request', (error as Error).message, { details: { field: 'to' } });
  }
}
