// Folds ledger entries into rollup increments (per key, account, model and global; by hour, day and month).
import { type Granularity, usageRankingSuffix, usageRollupSuffix } from '../redis/keys.js';
import type { StoredLedgerEntry } from './ledger-entry.js';
import { GRANULARITIES, periodOf } from './periods.js';

export type Dimension = 'key' | 'account' | 'model' | 'global';
export const GLOBAL_ENTITY = 'all';

/** Metric field names inside a rollup hash. Per-model breakdowns use `m:<model>:<metric>`. */
export const METRICS = ['req', 'in', 'out', 'cr', 'cw5', 'cw1', 'cost'] as const;
export type Metric = (typeof METRICS)[number];

export interface RetentionDays {
  hour: number;
  day: number;
  month: number;
}

export interface RollupBatch {
  /** Key suffix (after the {usage} prefix) → field → increment. */
  hashes: Map<string, Map<string, number>>;
  /** Ranking key suffix → member → cost increment. */
  rankings: Map<string, Map<string, number>>;
}

export function buildRollupBatch(entries: readonly StoredLedgerEntry[]): RollupBatch {
  const hashes = new Map<string, Map<string, number>>();
  const rankings = new Map<string, Map<string, number>>();
  const add = (target: Map<string, Map<string, number>>, key: string, field: string, amount: number) => {
    if (amount === 0) return;
    let fields = target.get(key);
    if (!fields) {
      fields = new Map();
      target.set(key, fields);
    }
    fields.set(field, (fields.get(field) ?? 0) + amount);
  };

  for (const entry of entries) {
    const values: Record<Metric, number> = {
      req: 1,
      in: entry.usage.input,
      out: entry.usage.output,
      cr: entry.usage.cacheRead,
      cw5: entry.usage.cacheWrite5m,
      cw1: entry.usage.cacheWrite1h,
      cost: entry.costMicros,
    };
    const dimensions: Array<[Dimension, string]> = [
      ['key', entry.keyId],
      ['model', entry.upstreamModel],
      ['global', GLOBAL_ENTITY],
    ];
    if (entry.accountId) dimensions.push(['account', entry.accountId]);

    for (const granularity of GRANULARITIES) {
      const period = periodOf(granularity, entry.at);
      for (const [dimension, entity] of dimensions) {
        const suffix = usageRollupSuffix(dimension, entity, granularity, period);
        for (const metric of METRICS) add(hashes, suffix, metric, values[metric]);
        add(hashes, suffix, `o:${entry.outcome}`, 1);
        if (entry.estimated) add(hashes, suffix, 'est', 1);
        if (!entry.prices) add(hashes, suffix, 'unpriced', 1);
        if (dimension === 'key' || dimension === 'account') {
          for (const metric of METRICS)
            add(hashes, suffix, `m:${entry.upstreamModel}:${metric}`, values[metric]);
        }
        if (dimension !== 'global') {
          // Requests count too, so unpriced traffic still shows up in a ranking.
          add(rankings, usageRankingSuffix(dimension, granularity, period), entity, entry.costMicros);
          add(rankings, `${usageRankingSuffix(dimension, granularity, period)}:req`, entity, 1);
        }
      }
    }
  }
  return { hashes, rankings };
}

/** ARGV for rollup-apply after the first three arguments; the TTL follows each key's granularity. */
export function encodeRollupBatch(batch: RollupBatch, retention: RetentionDays): Array<string | number> {
  const ttlOf = (suffix: string): number => {
    const granularity = /:(hour|day|month):/.exec(suffix)?.[1] as Granularity | undefined;
    return (granularity ? retention[granularity] : retention.month) * 86_400;
  };
  const args: Array<string | number> = [batch.hashes.size];
  for (const [suffix, fields] of batch.hashes) {
    args.push(suffix, ttlOf(suffix), fields.size);
    for (const [field, amount] of fields) args.push(field, amount);
  }
  args.push(batch.rankings.size);
  for (const [suffix, members] of batch.rankings) {
    args.push(suffix, ttlOf(suffix), members.size);
    for (const [member, amount] of members) args.push(member, amount);
  }
  return args;
}
