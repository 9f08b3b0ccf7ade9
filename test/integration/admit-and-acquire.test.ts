import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { admitAndAcquire } from '../../src/services/admission/admit-and-acquire.js';
import type { StoredApiKey } from '../../src/services/api-keys/api-key-types.js';
import type { Services } from '../../src/services/container.js';
import { createTestServices } from '../support/services.js';

describe('admission and account selection together', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  const input = (key: StoredApiKey, requestId: string) => ({
    key,
    requestId,
    platform: 'claude' as const,
    model: 'claude-haiku-4-5',
    client: undefined,
    stream: false,
    input: { boundTokens: 100, estimateTokens: 100, cacheWrites: 'none' as const },
    maxTokens: 100,
  });
  const both = (key: StoredApiKey, requestId: string) =>
    admitAndAcquire(
      services.admission,
      services.scheduler,
      input(key, requestId),
      { platform: 'claude', model: 'claude-haiku-4-5', requestId },
      services.storeHealth,
    );

  it('gives the account lease back when the key refuses, and answers with the key refusal', async () => {
    const account = await services.accounts.create({
      type: 'claude-console',
      name: 'a',
      credentials: { apiKey: 'k' },
    });
    const { plaintext } = await services.apiKeys.create({
      name: 'one at a time',
      limits: { concurrency: 1 },
    });
    const key = await services.apiKeys.authenticate(plaintext);
    const held = await both(key, 'req_1');
    await expect(both(key, 'req_2')).rejects.toMatchObject({ code: 'concurrency_limited' });
    const leases = await services.context.redis.zrange(
      services.context.keys.poolLeases('claude', account.id),
      0,
      -1,
    );
    expect(leases).toEqual(['req_1']);
    expect(held.ticket?.requestId).toBe('req_1');
  });

  it('gives the key lease and reservation back when no account can serve', async () => {
    const { plaintext } = await services.apiKeys.create({
      name: 'limited',
      limits: { concurrency: 2, dailyCostMicros: 1_000_000 },
    });
    const key = await services.apiKeys.authenticate(plaintext);
    await expect(both(key, 'req_1')).rejects.toMatchObject({ code: 'no_account_available' });
    const { redis, keys } = services.context;
    expect(await redis.zcard(keys.keyLeases(key.id))).toBe(0);
    expect(await redis.hlen(keys.keyClaims(key.id))).toBe(0);
  });

  it('never reaches the scheduler for a key whose restrictions refuse the request', async () => {
    const account = await services.accounts.create({
      type: 'claude-console',
      name: 'a',
      credentials: { apiKey: 'k' },
    });
    const { plaintext } = await services.apiKeys.create({ name: 'no haiku', modelDeny: ['claude-haiku*'] });
    const key = await services.apiKeys.authenticate(plaintext);
    await expect(both(key, 'req_1')).rejects.toMatchObject({ code: 'permission_denied' });
    expect(
      await services.context.redis.hget(services.context.keys.poolLastUsed('claude'), account.id),
    ).toBeNull();
  });
});
