// Reads usage back: rollup totals and per-model breakdowns over a day range, and the ledger itself.
import { AppError } from '../../errors/app-error.js';
import type { RedisContext } from '../redis/record-store.js';
import { decodeLedgerEntry, type StoredLedgerEntry } from './ledger-entry.js';
import { daysBetween } from './periods.js';
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
    const pipeline = this.context.redis.pipeline();
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

  /** Newest first. */
  async recentLedger(count: number): Promise<StoredLedgerEntry[]> {
    const raw = await this.context.redis.xrevrange(
      this.context.keys.ledgerStream(),
      '+',
      '-',
      'COUNT',
      count,
    );
    return raw.map(([id, fields]) => decodeLedgerEntry(id, fields));
  }
}
