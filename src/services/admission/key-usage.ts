// What a key has used against each of its limits right now, with when each resets: the `keys usage` view.
import type { StoredApiKey } from '../api-keys/api-key-types.js';
import { MODEL_FAMILIES } from '../domain/platforms.js';
import type { RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import type { LimitCalendar } from './limit-periods.js';
import { type KeyCostLimitName, spendCounters } from './spend-counters.js';

export interface CostLimitUsage {
  name: KeyCostLimitName;
  spentMicros: number;
  /** Worst cases of requests still running, held against the limit until they settle. */
  reservedMicros: number;
  limitMicros: number | undefined;
  /** When the period ends and spending starts again from zero; undefined for the total. */
  resetsAt: number | undefined;
}

/** What the view needs of a key: its id, limits and expiry (a public ApiKey will do). */
export type UsageSubject = Pick<StoredApiKey, 'id' | 'limits' | 'expiry'>;

export interface KeyUsage {
  keyId: string;
  at: number;
  timeZone: string;
  concurrency: { inFlight: number; limit: number | undefined };
  window:
    | {
        mode: 'sliding' | 'fixed';
        seconds: number;
        requests: number;
        tokens: number;
        costMicros: number;
        limits: { requests?: number; tokens?: number; costMicros?: number };
        resetsAt: number;
      }
    | undefined;
  costs: CostLimitUsage[];
  activation: { activatedAt: number | undefined; expiresAt: number | undefined } | undefined;
}

export async function readKeyUsage(
  context: RedisContext,
  calendar: LimitCalendar,
  key: UsageSubject,
  now: number,
): Promise<KeyUsage> {
  const { redis, keys } = context;
  const prefix = keys.apiKeySlotPrefix(key.id);
  const periods = calendar.periodsAt(now);
  // Every family's weekly counter, so the view shows spend per family even without a family limit.
  const counters = [
    ...spendCounters(key, periods, undefined),
    ...MODEL_FAMILIES.flatMap((family) => spendCounters(key, periods, family).slice(4)),
  ];
  const window = key.limits.window;
  const windowMs = (window?.seconds ?? 0) * 1000;
  const pipeline = crossSlotPipeline(redis);
  for (const counter of counters) pipeline.get(`${prefix}${counter.suffix}`);
  pipeline.hgetall(`${prefix}reserved`);
  pipeline.zcount(keys.keyLeases(key.id), now, '+inf');
  pipeline.get(`${prefix}activated`);
  if (window?.mode === 'fixed') pipeline.hgetall(`${prefix}rw:${now - (now % windowMs)}`);
  else pipeline.hgetall(`${prefix}rs`);
  const results = ((await pipeline.exec()) ?? []).map(([, value]) => value);
  const reserved = (results[counters.length] ?? {}) as Record<string, string>;
  const inFlight = Number(results[counters.length + 1] ?? 0);
  const activated = results[counters.length + 2];
  const windowFields = (results[counters.length + 3] ?? {}) as Record<string, string>;

  return {
    keyId: key.id,
    at: now,
    timeZone: calendar.timeZone,
    concurrency: { inFlight, limit: key.limits.concurrency },
    window: window && {
      ...sumWindow(windowFields, window.mode, windowMs, now),
      mode: window.mode,
      seconds: window.seconds,
      limits: {
        ...(window.requests === undefined ? {} : { requests: window.requests }),
        ...(window.tokens === undefined ? {} : { tokens: window.tokens }),
        ...(window.costMicros === undefined ? {} : { costMicros: window.costMicros }),
      },
    },
    costs: counters.map((counter, index) => ({
      name: counter.name,
      spentMicros: Number(results[index] ?? 0),
      reservedMicros: Number(reserved[counter.suffix] ?? 0),
      limitMicros: counter.limitMicros,
      resetsAt: counter.endsAt === 0 ? undefined : counter.endsAt,
    })),
    activation:
      key.expiry.kind === 'after-first-use'
        ? {
            activatedAt: activated ? Number(activated) : undefined,
            expiresAt: activated ? Number(activated) + key.expiry.durationSeconds * 1000 : undefined,
          }
        : undefined,
  };
}

/** Mirrors the counting of includes/rate-window.lua, so the view agrees with what admission will decide. */
function sumWindow(fields: Record<string, string>, mode: 'sliding' | 'fixed', windowMs: number, now: number) {
  if (mode === 'fixed') {
    return {
      requests: Number(fields.r ?? 0),
      tokens: Number(fields.t ?? 0),
      costMicros: Number(fields.c ?? 0),
      resetsAt: now - (now % windowMs) + windowMs,
    };
  }
  const bucketMs = Math.max(1000, Math.floor(windowMs / 60));
  let requests = 0;
  let tokens = 0;
  let costMicros = 0;
  let oldest: number | undefined;
  for (const [field, value] of Object.entries(fields)) {
    // Bucket fields are `<start>:<kind>`; the running sums (`r`, `t`, `c`) are derived from them.
    if (!field.includes(':')) continue;
    const [startText, kind] = field.split(':');
    const start = Number(startText);
    if (start + bucketMs + windowMs <= now) continue;
    if (kind === 'r') requests += Number(value);
    else if (kind === 't') tokens += Number(value);
    else costMicros += Number(value);
    oldest = oldest === undefined ? start : Math.min(oldest, start);
  }
  const bucket = now - (now % bucketMs);
  return { requests, tokens, costMicros, resetsAt: (oldest ?? bucket) + bucketMs + windowMs };
}
