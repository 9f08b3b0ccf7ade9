import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import { AccountScheduler } from '../../src/services/scheduler/account-scheduler.js';
import { createTestServices } from '../support/services.js';

describe('account scheduler', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  const account = (name: string, extra: Record<string, unknown> = {}) =>
    services.accounts.create({ type: 'claude-console', name, credentials: { apiKey: 'k' }, ...extra });
  const acquire = (requestId: string, model = 'claude-haiku-4-5') =>
    services.scheduler.acquire({ platform: 'claude', model, requestId });

  it('prefers the lowest priority number, then the fewest in flight, then the least recently used', async () => {
    const low = await account('backup', { priority: 90 });
    const a = await account('a', { priority: 10 });
    const b = await account('b', { priority: 10 });
    const first = await acquire('r1');
    const second = await acquire('r2');
    // Two equal accounts each get one request before either gets a second.
    expect(new Set([first.lease.accountId, second.lease.accountId])).toEqual(new Set([a.id, b.id]));
    await services.scheduler.release(first.lease);
    const third = await acquire('r3');
    expect(third.lease.accountId).toBe(first.lease.accountId);
    await services.scheduler.release(second.lease);
    await services.scheduler.release(third.lease);
    // With nothing in flight, the one used longest ago goes next.
    expect((await acquire('r4')).lease.accountId).toBe(second.lease.accountId);
    expect(low.id).not.toBe(second.lease.accountId);
  });

  it('rotates equal accounts evenly when many requests are chosen in the same millisecond', async () => {
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) ids.push((await account(name)).id);
    // A frozen clock: every choice happens in one millisecond, as the requests of one busy turn do.
    const frozen = new AccountScheduler(
      services.context,
      services.accounts,
      services.leases,
      services.groups,
      { stickyTtlMs: 300_000 },
      () => 1_750_000_000_000,
    );
    const counts = new Map<string, number>(ids.map((id) => [id, 0]));
    for (let burst = 0; burst < 4; burst += 1) {
      // Ten requests in one turn: one script call chooses them all.
      const acquired = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          frozen.acquire({ platform: 'claude', model: 'claude-haiku-4-5', requestId: `b${burst}-${index}` }),
        ),
      );
      for (const { lease } of acquired) counts.set(lease.accountId, (counts.get(lease.accountId) ?? 0) + 1);
      for (const { lease } of acquired) await frozen.release(lease);
    }
    // Ties on in-flight load go to the account chosen longest ago, even within one call and one millisecond.
    expect([...counts.values()]).toEqual([10, 10, 10, 10]);
  });

  it('respects max concurrency and answers no_account_available when all are full', async () => {
    const only = await account('small', { maxConcurrency: 2 });
    const one = await acquire('r1');
    const two = await acquire('r2');
    expect([one.lease.accountId, two.lease.accountId]).toEqual([only.id, only.id]);
    await expect(acquire('r3')).rejects.toMatchObject({
      code: 'no_account_available',
      details: { reason: 'all_busy' },
    });
    await services.scheduler.release(one.lease);
    expect((await acquire('r3')).lease.accountId).toBe(only.id);
  });

  it('lets leases of a crashed instance expire on their own', async () => {
    const short = await createTestServices({ leaseTtlMs: 50 });
    try {
      await short.accounts.create({
        type: 'claude-console',
        name: 'x',
        credentials: { apiKey: 'k' },
        maxConcurrency: 1,
      });
      await short.scheduler.acquire({ platform: 'claude', model: 'm', requestId: 'dead-instance' });
      await expect(
        short.scheduler.acquire({ platform: 'claude', model: 'm', requestId: 'r2' }),
      ).rejects.toMatchObject({
        code: 'no_account_available',
      });
      // No renewal runs (jobs are off, like a dead instance): once the TTL passes the slot is free again.
      await expect
        .poll(
          () => short.scheduler.acquire({ platform: 'claude', model: 'm', requestId: 'r3' }).then(() => 'ok'),
          {
            timeout: 2000,
          },
        )
        .toBe('ok');
    } finally {
      await short.stop();
    }
  });

  it('filters by state, schedulable flag and supported models', async () => {
    const opus = await account('opus only', { supportedModels: ['claude-opus*'] });
    const mapped = await account('mapped', {
      supportedModels: ['x'],
      modelMapping: { alias: 'claude-haiku-4-5' },
    });
    const paused = await account('paused', { schedulable: false });
    const disabled = await account('disabled');
    await services.accounts.disable(disabled.id, 'test');
    await expect.poll(async () => (await acquire('p1', 'claude-opus-4-1')).lease.accountId).toBe(opus.id);
    expect((await acquire('p2', 'alias')).lease.accountId).toBe(mapped.id);
    await expect(acquire('p3', 'claude-haiku-4-5')).rejects.toMatchObject({
      code: 'no_account_available',
      details: { reason: 'no_candidate' },
    });
    expect(paused.id).toBeDefined();
  });

  it('gives a dedicated account only to the keys bound to it or to its group', async () => {
    const shared = await account('shared');
    const teamA = await account('team a', { dedicated: true });
    const teamB = await account('team b', { dedicated: true });
    const group = await services.groups.create({ name: 'team b', platform: 'claude', memberIds: [teamB.id] });
    const bound = (requestId: string, binding: Record<string, string>, fallback: 'fail' | 'pool' = 'fail') =>
      services.scheduler.acquire({
        platform: 'claude',
        model: 'claude-haiku-4-5',
        requestId,
        binding: { ...binding, fallback },
      });
    // Unbound requests never reach a dedicated account, however many there are.
    const unbound = await Promise.all(Array.from({ length: 6 }, (_, index) => acquire(`u${index}`)));
    expect(new Set(unbound.map(({ lease }) => lease.accountId))).toEqual(new Set([shared.id]));
    expect((await bound('a1', { accountId: teamA.id })).lease.accountId).toBe(teamA.id);
    expect((await bound('b1', { groupId: group.id })).lease.accountId).toBe(teamB.id);
    // With pool fallback, a bound key whose account cannot serve falls back to the shared pool only.
    await services.accounts.setSchedulable(teamA.id, false);
    await expect
      .poll(async () => (await bound(`a2-${Math.random()}`, { accountId: teamA.id }, 'pool')).lease.accountId)
      .toBe(shared.id);
    await services.accounts.setSchedulable(shared.id, false);
    await expect
      .poll(() =>
        bound(`a3-${Math.random()}`, { accountId: teamA.id }, 'pool').then(
          () => 'served',
          (error: { code?: string }) => error.code,
        ),
      )
      .toBe('no_account_available');
  });

  it('tries accounts nearly out of rate-limit headroom last, and gives heavier weights more load', async () => {
    const a = await account('a');
    const b = await account('b');
    const runtimeA = await services.accounts.runtime(a.id);
    if (!runtimeA) throw new Error('account a missing');
    // 5 of 100 requests left this minute: under a tenth.
    await services.health.observe(
      runtimeA,
      {
        kind: 'answered',
        status: 200,
        headers: {
          'anthropic-ratelimit-requests-limit': '100',
          'anthropic-ratelimit-requests-remaining': '5',
        },
      },
      'claude-haiku-4-5',
    );
    expect((await services.health.state(a.id, 'claude')).lowHeadroom).toBe(true);
    const held = [await acquire('h1'), await acquire('h2')];
    // Even with one request in flight on b, a is not chosen while another account has headroom.
    expect(held.map((acquired) => acquired.lease.accountId)).toEqual([b.id, b.id]);
    for (const acquired of held) await services.scheduler.release(acquired.lease);

    await services.accounts.delete(a.id);
    const heavy = await account('heavy', { weight: 3 });
    const counts = new Map<string, number>();
    for (let i = 0; i < 8; i += 1) {
      const acquired = await acquire(`w${i}`);
      counts.set(acquired.lease.accountId, (counts.get(acquired.lease.accountId) ?? 0) + 1);
    }
    // Leases are held: load per unit of weight evens out at 6 on the weight-3 account, 2 on b.
    expect(counts.get(heavy.id)).toBe(6);
    expect(counts.get(b.id)).toBe(2);
  });

  it('keeps a session on its account, renews the pin on use, and re-pins when the account cannot serve', async () => {
    const a = await account('a');
    const b = await account('b');
    const session = { keyId: 'key_1', id: 'session-1' };
    const turn = (requestId: string) =>
      services.scheduler.acquire({ platform: 'claude', model: 'claude-haiku-4-5', requestId, session });
    const first = await turn('t1');
    expect(first.sticky).toBe(false);
    const pinned = first.lease.accountId;
    for (let i = 2; i <= 5; i += 1) {
      const next = await turn(`t${i}`);
      expect(next).toMatchObject({ sticky: true, lease: { accountId: pinned } });
    }
    const { redis, keys } = services.context;
    const pinKey = `${keys.poolSlotPrefix('claude')}sticky:key_1:session-1`;
    expect(await redis.pttl(pinKey)).toBeGreaterThan(299_000);

    const other = pinned === a.id ? b.id : a.id;
    const runtime = await services.accounts.runtime(pinned);
    if (!runtime) throw new Error('pinned account missing');
    await services.health.observe(runtime, { kind: 'answered', status: 529, headers: {} }, undefined);
    expect((await turn('t6')).lease.accountId).toBe(other);
    await services.health.reset(pinned, 'claude');
    // The new pin holds after the old account is back.
    expect(await turn('t7')).toMatchObject({ sticky: true, lease: { accountId: other } });
  });
});
