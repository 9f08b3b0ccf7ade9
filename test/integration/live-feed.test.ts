// The live feed against real Redis, across two instances: the ledger tail and usage ticks of requests settled
// on the other instance, one Redis subscription per topic however many local subscribers, cleanup on return,
// and the bound that keeps a subscriber that does not read from growing memory.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import type { UsageTick } from '../../src/services/live/usage-tick.js';
import type { AccountLease } from '../../src/services/scheduler/account-scheduler.js';
import { LEDGER_TOPIC } from '../../src/services/usage/ledger-entry.js';
import { createTestServices } from '../support/services.js';
import { settleInput } from '../support/settle-input.js';

const TICK_MS = 100;
const CAPACITY = 500;

describe('live feed', () => {
  /** Settles requests; the feed under test runs on `watcher`, another instance on the same keys. */
  let relay: Services;
  let watcher: Services;

  beforeEach(async () => {
    relay = await createTestServices();
    watcher = await createTestServices({
      keyPrefix: relay.context.keys.prefix,
      liveFeed: { tickIntervalMs: TICK_MS, queueCapacity: CAPACITY },
    });
  });
  afterEach(async () => {
    await watcher.stop();
    await relay.stop();
  });

  const lease = (accountId: string, requestId: string): AccountLease => ({
    platform: 'claude',
    accountId,
    requestId,
    key: relay.context.keys.poolLeases('claude', accountId),
    untrack: () => {},
  });
  /** Settles the requests in one turn (one pipeline, one published message). */
  const settle = (ids: string[], overrides: Parameters<typeof settleInput>[1] = {}) =>
    Promise.all(ids.map((id) => relay.settler.settle(settleInput(id, overrides))));
  const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  /** Subscriptions to the ledger channel; a cluster node counts only its own connections, so all are asked. */
  const subscribers = async () => {
    const { redis, keys } = relay.context;
    let count = 0;
    for (const node of 'nodes' in redis ? redis.nodes() : [redis]) {
      const reply = (await node.pubsub('NUMSUB', keys.channel(LEDGER_TOPIC))) as [string, number];
      count += reply[1];
    }
    return count;
  };
  /** Waits for something that happens without an event to await (an UNSUBSCRIBE sent in the background). */
  const until = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 2000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met within 2 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const take = async <T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> => {
    const items: T[] = [];
    while (items.length < count) {
      const next = await iterator.next();
      if (next.done) throw new Error('stream ended early');
      items.push(next.value);
    }
    return items;
  };

  it('tails the ledger of another instance, filtered, over one Redis subscription per instance', async () => {
    const all = await watcher.liveFeed.requestLogTail();
    const ofKey = await watcher.liveFeed.requestLogTail({ keyId: 'key_b' });
    const ofAccount = await watcher.liveFeed.requestLogTail({ accountId: 'acc_1' });
    const ofOwnKeys = await watcher.liveFeed.requestLogTail({ keyIds: ['key_a'] }, { hideAccount: true });
    expect(await subscribers()).toBe(1);

    await settle(['a1']);
    await relay.settler.settle(settleInput('b1', { keyId: 'key_b', lease: lease('acc_1', 'b1') }));

    const [first, second] = await take(all, 2);
    expect(first).toMatchObject({
      requestId: 'a1',
      keyId: 'key_a',
      model: 'claude-haiku-4-5',
      usage: { input: 1000, output: 100, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
      outcome: 'ok',
      status: 200,
      dropped: 0,
    });
    expect(first?.costMicros).toBeGreaterThan(0);
    expect(second).toMatchObject({ requestId: 'b1', keyId: 'key_b', accountId: 'acc_1' });
    expect((await take(ofKey, 1))[0]?.requestId).toBe('b1');
    expect((await take(ofAccount, 1))[0]?.requestId).toBe('b1');
    expect((await take(ofOwnKeys, 1))[0]).toMatchObject({ requestId: 'a1', accountId: undefined });

    for (const iterator of [all, ofKey, ofAccount, ofOwnKeys]) await iterator.return?.();
    expect(watcher.liveFeed.openSubscriptions).toBe(0);
    await until(async () => (await subscribers()) === 0);
    // A new first subscriber subscribes again.
    const again = await watcher.liveFeed.requestLogTail();
    expect(await subscribers()).toBe(1);
    await again.return?.();
  });

  it('ends a waiting read when the subscriber returns, and drops its events from then on', async () => {
    const tail = await watcher.liveFeed.requestLogTail();
    const pending = tail.next();
    await tail.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await tail.next()).toEqual({ done: true, value: undefined });
    expect(watcher.liveFeed.openSubscriptions).toBe(0);
  });

  it('keeps a subscriber that does not read bounded, and tells it how many events it missed', async () => {
    const slow = await watcher.liveFeed.requestLogTail();
    const fast = await watcher.liveFeed.requestLogTail();
    const total = 3 * CAPACITY;
    // The fast reader keeps up (each batch is far below its bound); once it has seen every event, all of them
    // have reached the slow one's queue too.
    const seeing = take(fast, total);
    // Thirty turns of fifty requests: thirty published batches while `slow` reads nothing.
    for (let batch = 0; batch < 30; batch++) await settle(ids(`s${batch}`, total / 30));
    const seen = await seeing;
    expect(slow).toHaveProperty('size', CAPACITY);
    expect(seen).toHaveLength(total);

    const queued = await take(slow, CAPACITY);
    expect(queued[0]?.dropped).toBe(total - CAPACITY);
    expect(queued.slice(1).every((event) => event.dropped === 0)).toBe(true);
    // The newest events survive, in order.
    expect(queued.map((event) => event.requestId)).toEqual(
      seen.slice(-CAPACITY).map((event) => event.requestId),
    );

    // Caught up: the next event comes with nothing missed.
    const next = slow.next();
    await settle(['after']);
    expect((await next).value).toMatchObject({ requestId: 'after', dropped: 0 });
    await slow.return?.();
    await fast.return?.();
  });

  it('sums each interval with traffic into one tick per scope', async () => {
    const global = await watcher.liveFeed.usageTicks({ scope: 'global' });
    const ofKey = await watcher.liveFeed.usageTicks({ scope: 'key', id: 'key_b' });
    const ofAccount = await watcher.liveFeed.usageTicks({ scope: 'account', id: 'acc_1' });

    await settle(ids('g', 3));
    await relay.settler.settle(
      settleInput('b1', {
        keyId: 'key_b',
        lease: lease('acc_1', 'b1'),
        usage: { input: 10, output: 20, cacheRead: 30, cacheWrite5m: 40, cacheWrite1h: 50 },
      }),
    );
    await relay.settler.settle(
      settleInput('b1~1', { keyId: 'key_b', outcome: 'failed_over', usage: zeroUsage() }),
    );

    const [tick] = (await take(global, 1)) as [UsageTick];
    // The settles may straddle a tick boundary; the first tick then holds the earlier ones.
    const ticks = [tick];
    while (sum(ticks, 'requests') < 4) ticks.push(...(await take(global, 1)));
    expect(sum(ticks, 'inputTokens')).toBe(3 * 1000 + 10);
    expect(sum(ticks, 'outputTokens')).toBe(3 * 100 + 20);
    expect(tick).toMatchObject({ scope: 'global', id: undefined, intervals: 1, errors: 0 });
    expect(tick.to - tick.from).toBeLessThanOrEqual(TICK_MS * 3);

    const keyTicks = await take(ofKey, 1);
    while (sum(keyTicks, 'requests') < 1) keyTicks.push(...(await take(ofKey, 1)));
    // The failed-over attempt is part of its request, not a request of its own.
    expect(sum(keyTicks, 'requests')).toBe(1);
    expect(keyTicks[0]).toMatchObject({ scope: 'key', id: 'key_b' });
    expect(sum(keyTicks, 'cacheReadTokens')).toBe(30);
    expect(sum(keyTicks, 'cacheWriteTokens')).toBe(90);

    const [accountTick] = await take(ofAccount, 1);
    expect(accountTick).toMatchObject({ scope: 'account', id: 'acc_1', requests: 1, inputTokens: 10 });

    // No traffic, no tick: nothing arrives over several intervals (a timeout is the only way to see nothing).
    const quiet = await Promise.race([
      global.next().then(() => 'tick'),
      new Promise((resolve) => setTimeout(() => resolve('quiet'), TICK_MS * 4)),
    ]);
    expect(quiet).toBe('quiet');
    for (const iterator of [global, ofKey, ofAccount]) await iterator.return?.();
    expect(watcher.liveFeed.openSubscriptions).toBe(0);
  });

  it('folds the ticks a slow subscriber has not read into one, losing no usage', async () => {
    const slow = await watcher.liveFeed.usageTicks({ scope: 'global' });
    const fast = await watcher.liveFeed.usageTicks({ scope: 'global' });
    let requests = 0;
    let intervals = 0;
    for (const round of [1, 2, 3]) {
      await settle(ids(`r${round}`, round));
      // Wait for the fast reader to see the round, so each round lands in an interval of its own.
      while (requests < (round * (round + 1)) / 2) {
        const [tick] = await take(fast, 1);
        requests += tick?.requests ?? 0;
        intervals += 1;
      }
    }
    const [folded] = await take(slow, 1);
    expect(folded?.requests).toBe(6);
    expect(folded?.inputTokens).toBe(6000);
    expect(folded?.intervals).toBe(intervals);
    expect(intervals).toBeGreaterThanOrEqual(3);
    await slow.return?.();
    await fast.return?.();
  });

  it('relays account state changes from another instance, filtered by account', async () => {
    const account = await relay.accounts.create({
      type: 'claude-console',
      name: 'a',
      credentials: { apiKey: 'k' },
    });
    const all = await watcher.liveFeed.accountStateChanges();
    const other = await watcher.liveFeed.accountStateChanges({ accountId: 'acc_other' });
    const change = await relay.health.reset(account.id, account.platform, 'test');
    expect(change).toBeUndefined(); // already active: no change, nothing announced
    const runtime = await relay.accounts.runtime(account.id);
    if (!runtime) throw new Error('account missing');
    const moved = await relay.health.observe(
      runtime,
      { kind: 'answered', status: 529, headers: {} },
      undefined,
    );
    const [event] = await take(all, 1);
    expect(event).toEqual({ ...moved, dropped: 0 });
    expect(event).toMatchObject({ accountId: account.id, from: 'active', to: 'cooling' });

    const nothingForOther = other.next();
    await relay.health.reset(account.id, account.platform);
    expect((await take(all, 1))[0]).toMatchObject({ accountId: account.id, to: 'active', reason: 'reset' });
    await other.return?.();
    expect(await nothingForOther).toEqual({ done: true, value: undefined });
    await all.return?.();
  });

  it('ends open subscriptions when the services stop', async () => {
    const tail = await watcher.liveFeed.requestLogTail();
    const ticks = await watcher.liveFeed.usageTicks({ scope: 'global' });
    const waiting = [tail.next(), ticks.next()];
    watcher.liveFeed.close();
    expect(await Promise.all(waiting)).toEqual([
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
    expect(watcher.liveFeed.openSubscriptions).toBe(0);
  });
});

function zeroUsage() {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };
}

type TickCount = 'requests' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens';

function sum(ticks: readonly (UsageTick | undefined)[], field: TickCount): number {
  return ticks.reduce((total, tick) => total + (tick?.[field] ?? 0), 0);
}
