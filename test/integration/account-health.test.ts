// Account health against real Redis: transitions from upstream signals, their history, the event every
// instance hears, and states that end by themselves.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_STATE_TOPIC, stateChangeSchema } from '../../src/services/accounts/account-health.js';
import type { AccountRuntime } from '../../src/services/accounts/account-types.js';
import type { Services } from '../../src/services/container.js';
import { createTestServices } from '../support/services.js';

describe('account health', () => {
  let services: Services;
  let other: Services;
  let runtime: AccountRuntime;

  beforeEach(async () => {
    services = await createTestServices();
    // A second instance on the same keys, to hear the published transitions.
    other = await createTestServices({ keyPrefix: services.context.keys.prefix });
    const account = await services.accounts.create({
      type: 'claude-console',
      name: 'a',
      credentials: { apiKey: 'k' },
    });
    const loaded = await services.accounts.runtime(account.id);
    if (!loaded) throw new Error('account missing');
    runtime = loaded;
  });
  afterEach(async () => {
    await other.stop();
    await services.stop();
  });

  const answered = (status: number, headers: Record<string, string> = {}, message?: string) => ({
    kind: 'answered' as const,
    status,
    headers,
    ...(message ? { message } : {}),
  });

  it('moves on upstream signals once, records each move and announces it to every instance', async () => {
    const heard: unknown[] = [];
    let announced: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      announced = resolve;
    });
    await other.bus.subscribe(ACCOUNT_STATE_TOPIC, {
      onMessage: (message) => {
        heard.push(stateChangeSchema.parse(JSON.parse(message)));
        announced();
      },
    });
    const id = runtime.account.id;
    const first = await services.health.observe(runtime, answered(529), 'claude-haiku-4-5');
    expect(first).toMatchObject({ from: 'active', to: 'cooling', reason: 'overloaded' });
    // The same overload seen again (fifty requests failing together) is no new transition.
    expect(await services.health.observe(runtime, answered(529), 'claude-haiku-4-5')).toBeUndefined();
    await arrived;
    expect(heard).toEqual([first]);
    expect(await services.health.history(id)).toEqual([first]);

    // Request-side failures say nothing about the account.
    expect(
      await services.health.observe(runtime, answered(400, {}, 'messages: bad'), undefined),
    ).toBeUndefined();
    expect(await services.health.observe(runtime, answered(404), undefined)).toBeUndefined();
  });

  it('takes rate-limit times from retry-after or the exhausted reset header, and extends only to a later one', async () => {
    const id = runtime.account.id;
    const now = Date.now();
    await services.health.observe(runtime, answered(429, { 'retry-after': '30' }), undefined);
    const limited = await services.health.state(id, 'claude');
    expect(limited.kind).toBe('rate_limited');
    expect(limited.until).toBeGreaterThanOrEqual(now + 29_000);
    expect(limited.until).toBeLessThanOrEqual(Date.now() + 30_000);

    const reset = new Date(Date.now() + 120_000).toISOString();
    await services.health.observe(
      runtime,
      answered(429, {
        'anthropic-ratelimit-tokens-remaining': '0',
        'anthropic-ratelimit-tokens-reset': reset,
        'anthropic-ratelimit-requests-remaining': '40',
        'anthropic-ratelimit-requests-reset': new Date(Date.now() + 600_000).toISOString(),
      }),
      undefined,
    );
    // Only the exhausted dimension (tokens) counts, not the later reset of the one with room left.
    expect((await services.health.state(id, 'claude')).until).toBe(Date.parse(reset));
    expect(
      await services.health.observe(runtime, answered(429, { 'retry-after': '5' }), undefined),
    ).toBeUndefined();
    expect((await services.health.history(id)).map((change) => change.to)).toEqual([
      'rate_limited',
      'rate_limited',
    ]);
  });

  it('lets timed states end by themselves and keeps auth failures until a reset', async () => {
    const timed = await createTestServices({
      keyPrefix: services.context.keys.prefix,
      scheduling: {
        stickyTtlMs: 300_000,
        // Long enough that the state is read back before it ends, even on a loaded machine (50 ms was not, once,
        // in a CI cluster pass), short enough to wait for.
        overloadCooldownMs: 1000,
        errorCooldownMs: 1000,
        rateLimitDefaultMs: 1000,
        quotaCooldownMs: 1000,
      },
    });
    try {
      const id = runtime.account.id;
      await timed.health.observe(runtime, answered(529), undefined);
      expect((await timed.health.state(id, 'claude')).kind).toBe('cooling');
      await expect
        .poll(async () => (await timed.health.state(id, 'claude')).kind, { interval: 20, timeout: 5000 })
        .toBe('active');
      // The scheduler agrees: the account serves again.
      const acquired = await timed.scheduler.acquire({ platform: 'claude', model: 'm', requestId: 'r1' });
      expect(acquired.lease.accountId).toBe(id);
      await timed.scheduler.release(acquired.lease);

      await timed.health.observe(runtime, answered(403), undefined);
      expect(await timed.health.state(id, 'claude')).toMatchObject({
        kind: 'auth_failed',
        reason: 'upstream_403',
      });
      await expect(
        timed.scheduler.acquire({ platform: 'claude', model: 'm', requestId: 'r2' }),
      ).rejects.toMatchObject({
        code: 'no_account_available',
        details: { reason: 'all_unavailable' },
      });
      await timed.health.reset(id, 'claude');
      expect((await timed.health.state(id, 'claude')).kind).toBe('active');
    } finally {
      await timed.stop();
    }
  });

  it('scopes a limit the upstream names to its model family', async () => {
    const id = runtime.account.id;
    const before = Date.now();
    await services.health.observe(
      runtime,
      answered(429, { 'retry-after': '60' }, 'Opus weekly limit reached'),
      'claude-opus-4-1',
    );
    const state = await services.health.state(id, 'claude');
    expect(state.kind).toBe('active');
    expect(state.families.opus).toBeGreaterThanOrEqual(before + 60_000);
    await expect(
      services.scheduler.acquire({ platform: 'claude', model: 'claude-opus-4-1', requestId: 'o1' }),
    ).rejects.toMatchObject({ code: 'no_account_available' });
    const sonnet = await services.scheduler.acquire({
      platform: 'claude',
      model: 'claude-sonnet-4-5',
      requestId: 's1',
    });
    expect(sonnet.lease.accountId).toBe(id);
    await services.scheduler.release(sonnet.lease);
  });
});
