// Folds live usage ticks into per-minute buckets for the overview's counters and chart. A tick delivered
// again after a reconnect (same scope, id and interval) is counted once.
import type { OverviewTicksSubscription } from '@clients/generated/graphql/graphql';
import { useCallback, useMemo, useRef, useState } from 'react';
import { createSeenSet } from '../../app/live';

export type Tick = OverviewTicksSubscription['usageTicks'];

export interface MinuteBucket {
  /** Start of the minute, ms since the epoch. */
  minute: number;
  requests: number;
  errors: number;
  tokens: number;
  costMicros: number;
}

/** How many minutes the chart shows. */
export const WINDOW_MINUTES = 30;

export interface LiveUsage {
  minutes: MinuteBucket[];
  /** Cost counted from ticks since the page opened (added to the snapshot's "today"). */
  costSinceOpened: number;
  requestsSinceOpened: number;
  add: (tick: Tick) => void;
}

export function useLiveUsage(): LiveUsage {
  const [buckets, setBuckets] = useState<Map<number, MinuteBucket>>(() => new Map());
  const [since, setSince] = useState({ cost: 0, requests: 0 });
  const seen = useRef(createSeenSet());
  const add = useCallback((tick: Tick) => {
    if (!seen.current(`${tick.scope}:${tick.id ?? ''}:${tick.from}:${tick.to}`)) return;
    if (tick.requests === 0 && tick.errors === 0) return;
    const minute = Math.floor(Date.parse(tick.to) / 60_000) * 60_000;
    setBuckets((previous) => {
      const next = new Map(previous);
      const bucket = next.get(minute) ?? { minute, requests: 0, errors: 0, tokens: 0, costMicros: 0 };
      next.set(minute, {
        minute,
        requests: bucket.requests + tick.requests,
        errors: bucket.errors + tick.errors,
        tokens: bucket.tokens + tick.inputTokens + tick.outputTokens,
        costMicros: bucket.costMicros + tick.costMicros,
      });
      // Old minutes fall off the chart and out of memory.
      const oldest = minute - WINDOW_MINUTES * 60_000;
      for (const key of next.keys()) if (key < oldest) next.delete(key);
      return next;
    });
    setSince((previous) => ({
      cost: previous.cost + tick.costMicros,
      requests: previous.requests + tick.requests,
    }));
  }, []);
  const minutes = useMemo(() => fillMinutes(buckets, Date.now()), [buckets]);
  return { minutes, costSinceOpened: since.cost, requestsSinceOpened: since.requests, add };
}

/** Every minute of the window, empty ones included, so the chart's time axis is even. */
function fillMinutes(buckets: Map<number, MinuteBucket>, now: number): MinuteBucket[] {
  const current = Math.floor(now / 60_000) * 60_000;
  const latest = Math.max(current, ...buckets.keys());
  const result: MinuteBucket[] = [];
  for (let minute = latest - (WINDOW_MINUTES - 1) * 60_000; minute <= latest; minute += 60_000) {
    result.push(buckets.get(minute) ?? { minute, requests: 0, errors: 0, tokens: 0, costMicros: 0 });
  }
  return result;
}

/** The last full minute and the one running, so "per minute" moves as soon as a request settles. */
export function recentRate(minutes: MinuteBucket[], pick: (bucket: MinuteBucket) => number): number {
  const last = minutes.at(-1);
  return last ? pick(last) : 0;
}

/** Errors over requests in the last five minutes, as a fraction. */
export function errorRate(minutes: MinuteBucket[]): number | undefined {
  const recent = minutes.slice(-5);
  const requests = recent.reduce((sum, bucket) => sum + bucket.requests, 0);
  if (requests === 0) return undefined;
  return recent.reduce((sum, bucket) => sum + bucket.errors, 0) / requests;
}
