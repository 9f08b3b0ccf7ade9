// The bounded queue behind every live subscription, and tick folding: what a reader gets when it is behind.
import { describe, expect, it } from 'vitest';
import { LiveQueue } from '../../src/services/live/live-queue.js';
import { mergeTicks, TickAccumulator, type UsageTick } from '../../src/services/live/usage-tick.js';
import type { LedgerEntry } from '../../src/services/usage/ledger-entry.js';
import { ledgerEntry } from '../support/ledger-entry.js';

interface Item {
  n: number;
}
const queueOf = (capacity: number) =>
  new LiveQueue<Item, { n: number; dropped: number }>({
    capacity,
    deliver: (item, dropped) => ({ n: item.n, dropped }),
  });

describe('LiveQueue', () => {
  it('hands an item straight to a waiting reader', async () => {
    const queue = queueOf(2);
    const read = queue.next();
    queue.push({ n: 1 });
    expect(await read).toEqual({ done: false, value: { n: 1, dropped: 0 } });
    expect(queue.size).toBe(0);
  });

  it('keeps the newest items up to its capacity and reports the dropped count on the next read', async () => {
    const queue = queueOf(3);
    for (let n = 1; n <= 10; n++) queue.push({ n });
    expect(queue.size).toBe(3);
    expect((await queue.next()).value).toEqual({ n: 8, dropped: 7 });
    expect((await queue.next()).value).toEqual({ n: 9, dropped: 0 });
    queue.push({ n: 11 });
    expect((await queue.next()).value).toEqual({ n: 10, dropped: 0 });
    expect((await queue.next()).value).toEqual({ n: 11, dropped: 0 });
  });

  it('merges instead of dropping when given a merge', async () => {
    const queue = new LiveQueue<Item, Item>({
      capacity: 1,
      deliver: (item) => item,
      merge: (older, newer) => ({ n: older.n + newer.n }),
    });
    for (let n = 1; n <= 4; n++) queue.push({ n });
    expect(queue.size).toBe(1);
    expect((await queue.next()).value).toEqual({ n: 10 });
  });

  it('ends once: waiting reads finish, pushes are ignored, end callbacks run', async () => {
    const queue = queueOf(2);
    let ended = 0;
    queue.onEnd(() => {
      ended += 1;
    });
    const waiting = queue.next();
    await queue.return();
    queue.end();
    queue.push({ n: 1 });
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    expect(ended).toBe(1);
    let late = 0;
    queue.onEnd(() => {
      late += 1;
    });
    expect(late).toBe(1);
  });
});

describe('usage ticks', () => {
  const entry = (overrides: Partial<LedgerEntry>): LedgerEntry =>
    ledgerEntry({
      requestId: 'r',
      at: 0,
      model: 'm',
      upstreamModel: 'm',
      usage: { input: 10, output: 5, cacheRead: 3, cacheWrite5m: 2, cacheWrite1h: 1 },
      costMicros: 7,
      latencyMs: 1,
      ...overrides,
    });

  it('sums an interval, counting failed-over attempts as part of their request, and then starts afresh', () => {
    const accumulator = new TickAccumulator({ scope: 'key', id: 'key_a' });
    expect(accumulator.take(0, 500)).toBeUndefined();
    accumulator.add(entry({}));
    accumulator.add(
      entry({
        outcome: 'failed_over',
        usage: { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
        costMicros: 0,
      }),
    );
    accumulator.add(entry({ outcome: 'upstream_error' }));
    expect(accumulator.take(500, 1000)).toEqual({
      scope: 'key',
      id: 'key_a',
      from: 500,
      to: 1000,
      intervals: 1,
      requests: 2,
      errors: 1,
      inputTokens: 20,
      outputTokens: 10,
      cacheReadTokens: 6,
      cacheWriteTokens: 6,
      costMicros: 14,
    });
    expect(accumulator.take(1000, 1500)).toBeUndefined();
  });

  it('folds an unread tick into the next without losing usage', () => {
    const tick = (from: number, requests: number): UsageTick => ({
      scope: 'global',
      id: undefined,
      from,
      to: from + 500,
      intervals: 1,
      requests,
      errors: 0,
      inputTokens: requests * 10,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costMicros: requests,
    });
    expect(mergeTicks(tick(0, 2), tick(500, 3))).toMatchObject({
      from: 0,
      to: 1000,
      intervals: 2,
      requests: 5,
      inputTokens: 50,
      costMicros: 5,
    });
  });
});
