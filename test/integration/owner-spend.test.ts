// An owner's spend counters, shared by all their keys, are held in the owner's own slot: admission reserves on
// the key's side and the owner's in one round trip, a refusal on either side gives back what the other took,
// settle charges both, and the reconciler ends both sides of a dead instance's request, recording it once.
// On a Redis Cluster (REDIS_MODE=cluster) the two slots sit on different nodes, which this must survive.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredApiKey } from '../../src/services/api-keys/api-key-types.js';
import type { Services } from '../../src/services/container.js';
import { crossSlotPipeline } from '../../src/services/redis/slot-spanning.js';
import { admitOutcome } from '../support/admission.js';
import { createTestServices } from '../support/services.js';

// claude-haiku-4-5 at $1 / $5 per million: 10 in + 1,000 out is a worst case of 5,010 micro-USD, a floor of 15.
const REQUEST = { input: 10, output: 1000 };

describe("an owner's spend counters, in the owner's slot", () => {
  let services: Services;
  let userId: string;
  beforeEach(async () => {
    services = await createTestServices();
    userId = (
      await services.users.create({ username: 'spender', password: 'a long enough password', role: 'member' })
    ).id;
    // One cent a day: 10,000 micro-USD across all the user's keys.
    await services.spendLimits.set({ scope: { type: 'user', userId }, period: 'daily', amountCents: 1 });
  });
  afterEach(async () => {
    await services.stop();
  });

  async function ownedKey(limits: Record<string, unknown> = {}): Promise<StoredApiKey> {
    const { plaintext } = await services.apiKeys.create({ name: 'owned', ownerId: userId, limits });
    return services.apiKeys.authenticate(plaintext);
  }
  const admit = (key: StoredApiKey, requestId: string) => admitOutcome(services, key, requestId, REQUEST);
  const day = () => new Date().toISOString().slice(0, 10);
  const ownerState = async () => {
    const { redis, keys } = services.context;
    const prefix = keys.userSpendPrefix(userId);
    return {
      reserved: Number((await redis.hget(`${prefix}reserved`, `spend:day:${day()}`)) ?? 0),
      claims: await redis.hlen(`${prefix}claims`),
      expiring: await redis.zcard(keys.userClaimExpiry(userId)),
      spent: Number((await redis.get(`${prefix}spend:day:${day()}`)) ?? 0),
    };
  };
  const keyClaims = (key: StoredApiKey) =>
    services.context.redis.hlen(services.context.keys.keyClaims(key.id));

  it("holds the cap across two keys in one turn, and gives back a refused request's other side", async () => {
    const first = await ownedKey();
    const second = await ownedKey({ concurrency: 1 });
    const outcomes = await Promise.all([
      admit(first, 'req_a1'),
      admit(second, 'req_b1'),
      // Refused by its key (concurrency 1) after its owner's side was admitted: that side is given back.
      admit(second, 'req_b2'),
      // Refused by the owner's cap (the first two hold it all) after its key's side was admitted: given back.
      admit(first, 'req_a2'),
    ]);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, false, false]);
    expect(outcomes[2]).toMatchObject({ code: 'concurrency_limited' });
    expect(outcomes[3]).toMatchObject({
      // What is left is held by requests still running: 429, try again shortly.
      code: 'rate_limited',
      details: { limit: 'user_daily', reason: 'in_flight' },
    });
    // The second request got the 4,990 left, and its output is capped to fit.
    expect(outcomes[1]).toMatchObject({ ok: true, ticket: { outputCap: 995 } });
    expect(await ownerState()).toEqual({ reserved: 10_000, claims: 2, expiring: 2, spent: 0 });
    expect(await keyClaims(first)).toBe(1);
    expect(await keyClaims(second)).toBe(1);
  });

  it('charges both sides on settle and ends both claims', async () => {
    const key = await ownedKey();
    const outcome = await admit(key, 'req_settled');
    if (!outcome.ok) throw new Error(outcome.code);
    const pipeline = crossSlotPipeline(services.context.redis);
    services.admission.settleInto(pipeline, [{ ticket: outcome.ticket, costMicros: 1234, tokens: 1010 }]);
    await pipeline.exec();
    outcome.ticket.untrack();
    expect(await ownerState()).toEqual({ reserved: 0, claims: 0, expiring: 0, spent: 1234 });
    const { redis, keys } = services.context;
    expect(Number(await redis.get(`${keys.apiKeySlotPrefix(key.id)}spend:day:${day()}`))).toBe(1234);
    expect(await keyClaims(key)).toBe(0);
  });

  it("ends a dead instance's request on both sides, charging its estimate, and records it once", async () => {
    const key = await ownedKey();
    const outcome = await admit(key, 'req_lost');
    if (!outcome.ok) throw new Error(outcome.code);
    // The instance dies: nothing renews the claims, which expire.
    outcome.ticket.untrack();
    const { redis, keys } = services.context;
    const past = Date.now() - 1000;
    await redis.zadd(keys.keyClaimExpiry(key.id), past, 'req_lost');
    await redis.zadd(keys.userClaimExpiry(userId), past, 'req_lost');
    await redis.zadd(keys.reconcileIndex(), past, key.id, past, `u:${userId}`);

    expect(await services.reconciler.reconcile()).toMatchObject({ lostRequests: 1, unreadableClaims: 0 });
    // 10 estimated input tokens at $1 per million: 10 micro-USD, on both sides.
    expect(await ownerState()).toEqual({ reserved: 0, claims: 0, expiring: 0, spent: 10 });
    expect(Number(await redis.get(`${keys.apiKeySlotPrefix(key.id)}spend:day:${day()}`))).toBe(10);
    expect(await redis.zscore(keys.reconcileIndex(), `u:${userId}`)).toBeNull();
    const lost = (await services.requestLog.recent(10)).filter((entry) => entry.requestId === 'req_lost');
    expect(lost).toHaveLength(1);
  });
});
