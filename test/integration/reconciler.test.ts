// The reconciler records a dead instance's requests on the accounts they held, whatever order their account
// lease and their claim expire in, and lets expired account leases take no account slot meanwhile.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import { createTestServices } from '../support/services.js';

describe('reconciler', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  /** One admitted request holding an account, as an instance that then died leaves it (no renewals). */
  async function abandonedRequest(requestId: string) {
    const account = await services.accounts.create({
      type: 'claude-console',
      name: 'a',
      maxConcurrency: 1,
      credentials: { apiKey: 'k' },
    });
    const { plaintext } = await services.apiKeys.create({ name: requestId });
    const key = await services.apiKeys.authenticate(plaintext);
    const ticket = await services.admission.admit({
      key,
      requestId,
      platform: 'claude',
      model: 'claude-haiku-4-5',
      client: undefined,
      stream: true,
      input: { boundTokens: 400, estimateTokens: 100, cacheWrites: 'none' },
      maxTokens: 100,
    });
    const acquired = await services.scheduler.acquire({
      platform: 'claude',
      model: 'claude-haiku-4-5',
      requestId,
    });
    // The instance dies: nothing renews what it held.
    ticket.untrack();
    acquired.lease.untrack();
    return { account, key, lease: acquired.lease };
  }

  it('names the account of a lost request whose lease expired a pass before its claim', async () => {
    const { account, key, lease } = await abandonedRequest('req_lost_1');
    const { redis, keys } = services.context;
    const now = Date.now();
    // The account lease has expired; the claim expires a moment later, after this first pass.
    await redis.zadd(lease.key, now - 1000, 'req_lost_1');
    await redis.zadd(keys.keyClaimExpiry(key.id), now + 300, 'req_lost_1');
    await redis.zadd(keys.reconcileIndex(), now - 1, key.id);
    expect(await services.reconciler.reconcile()).toMatchObject({ lostRequests: 0, accountLeases: 1 });
    expect(await redis.zcard(lease.key)).toBe(0);

    await redis.zadd(keys.keyClaimExpiry(key.id), now - 1, 'req_lost_1');
    expect(await services.reconciler.reconcile()).toMatchObject({ lostRequests: 1 });
    const [entry] = (await services.requestLog.recent(10)).filter((recorded) => recorded.keyId === key.id);
    expect(entry).toMatchObject({ requestId: 'req_lost_1', outcome: 'instance_lost', accountId: account.id });
  });

  it('names the account of a lost request whose claim expired before its account lease', async () => {
    const { account, key, lease } = await abandonedRequest('req_lost_3');
    const { redis, keys } = services.context;
    const now = Date.now();
    // The two are renewed in separate writes: the claim can run out while the lease still has a moment left.
    await redis.zadd(lease.key, now + 500, 'req_lost_3');
    await redis.zadd(keys.keyClaimExpiry(key.id), now - 1, 'req_lost_3');
    await redis.zadd(keys.reconcileIndex(), now - 1, key.id);
    expect(await services.reconciler.reconcile()).toMatchObject({ lostRequests: 1 });
    const [entry] = (await services.requestLog.recent(10)).filter((recorded) => recorded.keyId === key.id);
    expect(entry).toMatchObject({ requestId: 'req_lost_3', outcome: 'instance_lost', accountId: account.id });
  });

  it('counts only live leases against an account, leaving expired ones for the reconciler to read', async () => {
    const { lease } = await abandonedRequest('req_lost_2');
    const { redis } = services.context;
    await redis.zadd(lease.key, Date.now() - 1000, 'req_lost_2');
    // At max concurrency 1, the expired lease does not keep the account busy...
    const next = await services.scheduler.acquire({
      platform: 'claude',
      model: 'claude-haiku-4-5',
      requestId: 'req_next',
    });
    expect(next.runtime.account.id).toBe(lease.accountId);
    // ...and is still there to say which account req_lost_2 was on.
    expect(await redis.zscore(lease.key, 'req_lost_2')).not.toBeNull();
    await services.scheduler.release(next.lease);
  });
});
