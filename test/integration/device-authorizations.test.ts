// The device flow's pending sign-ins on a real Redis with a clock the test moves: codes expire (expired_token,
// and nothing can approve them), polling faster than the interval is told to slow down and the interval grows
// as RFC 8628 asks, a code is decided once, and an approved code is spent by exactly one of two racing polls.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceAuthorizations } from '../../src/services/gateway/device-authorizations.js';
import { OAuthRefusal } from '../../src/services/gateway/gateway-types.js';
import { ScriptRunner } from '../../src/services/redis/scripts.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

const REQUEST = { surface: 'claude_code', userAgent: 'claude-code/2.1.332', address: '127.0.0.1' };

describe('device authorizations', () => {
  let redis: TestRedis;
  let now: number;
  let store: DeviceAuthorizations;

  beforeEach(async () => {
    redis = await createTestRedis();
    now = 1_800_000_000_000;
    store = new DeviceAuthorizations(
      { redis: redis.redis, keys: redis.keys, scripts: new ScriptRunner(redis.redis) },
      { deviceCodeTtlMs: 600_000, pollIntervalMs: 5_000 },
      () => now,
    );
  });
  afterEach(async () => {
    await redis.cleanup();
  });

  const refusal = async (poll: Promise<unknown>) => {
    try {
      await poll;
    } catch (error) {
      if (error instanceof OAuthRefusal) return error.error;
      throw error;
    }
    return 'granted';
  };

  it('expires: the poll says expired_token, and the page can no longer find or approve the code', async () => {
    const created = await store.create(REQUEST);
    expect(await refusal(store.poll(created.deviceCode))).toBe('authorization_pending');
    now += 600_000;
    expect(await refusal(store.poll(created.deviceCode))).toBe('expired_token');
    await expect(store.describe(created.userCode)).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      store.decide(created.userCode, { approved: true, userId: 'usr_1', keyId: 'key_1' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('tells a client polling too fast to slow down, and then expects the longer interval', async () => {
    const { deviceCode } = await store.create(REQUEST);
    expect(await refusal(store.poll(deviceCode))).toBe('authorization_pending');
    now += 2_000;
    expect(await refusal(store.poll(deviceCode))).toBe('slow_down');
    // The interval is now 10 s: 6 s later is still too soon, 10 s later is on time.
    now += 6_000;
    expect(await refusal(store.poll(deviceCode))).toBe('slow_down');
    now += 15_000;
    expect(await refusal(store.poll(deviceCode))).toBe('authorization_pending');
  });

  it('is decided once, and spent by one of two racing polls', async () => {
    const { deviceCode, userCode } = await store.create(REQUEST);
    const pending = await store.describe(userCode);
    expect(pending).toMatchObject({ userCode, surface: 'claude_code', address: '127.0.0.1' });
    await store.decide(userCode, { approved: true, userId: 'usr_1', keyId: 'key_1' });
    await expect(store.decide(userCode, { approved: false, userId: 'usr_2' })).rejects.toMatchObject({
      code: 'conflict',
    });
    now += 5_000;
    const [first, second] = await Promise.allSettled([store.poll(deviceCode), store.poll(deviceCode)]);
    const granted = [first, second].filter((result) => result.status === 'fulfilled');
    expect(granted).toHaveLength(1);
    expect(granted[0]).toMatchObject({ value: { userId: 'usr_1', keyId: 'key_1', surface: 'claude_code' } });
    const spent = [first, second].find((result) => result.status === 'rejected');
    expect(spent).toMatchObject({ reason: { error: 'invalid_grant' } });
  });

  it('stores device codes only by hash', async () => {
    const { deviceCode, userCode } = await store.create(REQUEST);
    const stored = await redis.listKeys();
    expect(stored.some((key) => key.includes(deviceCode))).toBe(false);
    expect(stored.some((key) => key.endsWith(`:uc:${userCode}`))).toBe(true);
  });
});
