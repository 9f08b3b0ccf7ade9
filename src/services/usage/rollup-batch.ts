// Folds ledger entries into rollup increments (per key, account, model and global; by hour, day and month).
import { type Granularity, usageRankingSuffix, usageRollupSuffix } from '../redis/keys.js';
import type { StoredLedgerEntry } from './ledger-entry.js';
import { periodOf } from './periods.js';

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

interface Group {
  hour: string;
  keyId: string;
  accountId: string | undefined;
  model: string;
  outcome: string;
  /** Ledger entries in the group, failed-over attempts included. */
  entries: number;
  estimated: number;
  unpriced: number;
  values: Record<Metric, number>;
}

/**
 * Entries are first summed per (hour, key, account, model, outcome): under load thousands of entries share a
 * handful of groups, so the expensive part, expanding into every rollup field, runs per group, not per entry.
 */
function groupEntries(entries: readonly StoredLedgerEntry[]): Iterable<Group> {
  const groups = new Map<string, Group>();
  for (const entry of entries) {
    const hour = periodOf('hour', entry.at);
    const id = `${hour}\u0000${entry.keyId}\u0000${entry.accountId ?? ''}\u0000${entry.upstreamModel}\u0000${entry.outcome}`;
    let group = groups.get(id);
    if (!group) {
      group = {
        hour,
        keyId: entry.keyId,
        accountId: entry.accountId,
        model: entry.upstreamModel,
        outcome: entry.outcome,
        entries: 0,
        estimated: 0,
        unpriced: 0,
        values: { req: 0, in: 0, out: 0, cr: 0, cw5: 0, cw1: 0, cost: 0 },
      };
      groups.set(id, group);
    }
    const { values } = group;
    group.entries += 1;
    // An attempt that failed over is one request's detour, not a request of its own: it shows only as
    // an outcome count, so a key's request total stays what its client sent.
    if (entry.outcome !== 'failed_over') values.req += 1;
    values.in += entry.usage.input;
    values.out += entry.usage.output;
    values.cr += entry.usage.cacheRead;
    values.cw5 += entry.usage.cacheWrite5m;
    values.cw1 += entry.usage.cacheWrite1h;
    values.cost += entry.costMicros;
    if (entry.estimated) group.estimated += 1;
    if (!entry.prices) group.unpriced += 1;
  }
  return groups.values();
}

/** Hour `2026-11-22T13` contains day `2026-11-22` and month `2026-11`. */
function periodsOf(hour: string): Array<[Granularity, string]> {
  return [
    ['hour', hour],
    ['day', hour.slice(0, 10)],
    ['month', hour.slice(0, 7)],
  ];
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

  for (const group of groupEntries(entries)) {
    const dimensions: Array<[Dimension, string]> = [
      ['key', group.keyId],
      ['model', group.model],
      ['global', GLOBAL_ENTITY],
    ];
    if (group.accountId) dimensions.push(['account', group.accountId]);
    for (const [granularity, period] of periodsOf(group.hour)) {
      for (const [dimension, entity] of dimensions) {
        const suffix = usageRollupSuffix(dimension, entity, granularity, period);
        for (const metric of METRICS) add(hashes, suffix, metric, group.values[metric]);
        add(hashes, suffix, `o:${group.outcome}`, group.entries);
        add(hashes, suffix, 'est', group.estimated);
        add(hashes, suffix, 'unpriced', group.unpriced);
        if (dimension === 'key' || dimension === 'account') {
          for (const metric of METRICS)
            add(hashes, suffix, `m:${group.model}:${metric}`, group.values[metric]);
        }
        if (dimension !== 'global') {
          // Requests count too, so unpriced traffic still shows up in a ranking.
          const ranking = usageRankingSuffix(dimension, granularity, period);
          add(rankings, ranking, entity, group.values.cost);
          add(rankings, `${ranking}:req`, entity, group.values.req);
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
