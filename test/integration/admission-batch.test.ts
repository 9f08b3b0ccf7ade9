import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredApiKey } from '../../src/services/api-keys/api-key-types.js';
import type { Services } from '../../src/services/container.js';
import { admitOutcome } from '../support/admission.js';
import { createTestServices } from '../support/services.js';

// Requests of one key that reach admission in the same event-loop turn share one script call
// (admission-n.lua): each must see those before it in the call exactly as if it had come alone.
describe('one admission call for a turn of one key', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  async function keyWith(limits: Record<string, unknown>): Promise<StoredApiKey> {
    const { plaintext } = await services.apiKeys.create({ name: 'batched', limits });
    return services.apiKeys.authenticate(plaintext);
  }
  // Started together, awaited together: all of them are queued before the turn's flush.
  const sameTurn = (key: StoredApiKey, requests: Array<{ input: number; output: number }>) =>
    Promise.all(requests.map((tokens, index) => admitOutcome(services, key, `req_${index}`, tokens)));
  const small = { input: 10, output: 10 };

  it('takes concurrency leases in order and refuses the rest of the turn', async () => {
    const key = await keyWith({ concurrency: 3 });
    const outcomes = await sameTurn(key, [small, small, small, small, small]);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true, false, false]);
    expect(outcomes[3]).toMatchObject({
      code: 'concurrency_limited',
      details: { max: 3, inFlight: 3 },
    });
    const leases = await services.context.redis.zrange(services.context.keys.keyLeases(key.id), 0, -1);
    expect(leases.sort()).toEqual(['req_0', 'req_1', 'req_2']);
  });

  it("counts the turn's requests in the rate window one by one", async () => {
    const key = await keyWith({ window: { seconds: 60, mode: 'sliding', requests: 4 } });
    const outcomes = await sameTurn(
      key,
      Array.from({ length: 6 }, () => small),
    );
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true, true, false, false]);
    expect(outcomes[4]).toMatchObject({ code: 'rate_limited', details: { limit: 'window_requests' } });
    expect((await services.admission.usage(key)).window).toMatchObject({ requests: 4 });
  });

  it('reserves against what the earlier requests of the turn reserved, and a refusal does not stop the next', async () => {
    // claude-haiku-4-5 at $1 / $5 per million: 10 in + 1,000 out is a worst case of 5,010 micro-USD and a floor
    // of 15; 20,000 in has a floor of 20,005, more than the whole limit.
    const key = await keyWith({ dailyCostMicros: 12_000 });
    const big = { input: 10, output: 1000 };
    const outcomes = await sameTurn(key, [big, { input: 20_000, output: 10 }, big, big, big]);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true, true, false]);
    expect(outcomes[1]).toMatchObject({ details: { reason: 'does_not_fit' } });
    // The third takes what is left (1,980) with its output capped to fit; the fourth finds nothing left.
    const third = outcomes[3];
    expect(third?.ok && third.ticket.outputCap).toBeGreaterThan(0);
    expect(third?.ok && third.ticket.outputCap).toBeLessThan(1000);
    expect(outcomes[4]).toMatchObject({ code: 'rate_limited', details: { reason: 'in_flight' } });
    const daily = (await services.admission.usage(key)).costs.find((cost) => cost.name === 'daily');
    expect(daily).toMatchObject({ spentMicros: 0, reservedMicros: 12_000 });
    // Every admitted request has its claim, and the refused ones none.
    const claims = await services.context.redis.hkeys(
      `${services.context.keys.apiKeySlotPrefix(key.id)}claims`,
    );
    expect(claims.sort()).toEqual(['req_0', 'req_2', 'req_3']);
  });

  it('gives every request of the turn the expiry refusal of an expired key', async () => {
    const key = await keyWith({ concurrency: 5 });
    const expired: StoredApiKey = { ...key, expiry: { kind: 'after-first-use', durationSeconds: 60 } };
    // Its clock started with a first attempt two minutes ago.
    await services.context.redis.set(
      `${services.context.keys.apiKeySlotPrefix(key.id)}activated`,
      Date.now() - 120_000,
    );
    const outcomes = await sameTurn(expired, [small, small]);
    expect(outcomes).toMatchObject([
      { ok: false, code: 'unauthenticated', details: { reason: 'key_expired' } },
      { ok: false, code: 'unauthenticated', details: { reason: 'key_expired' } },
    ]);
  });
});
