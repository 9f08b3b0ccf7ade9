import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Services } from '../../src/services/container.js';
import type { SettleInput } from '../../src/services/usage/usage-settler.js';
import { scanKeys } from '../support/redis.js';
import { createTestServices } from '../support/services.js';
import { settleInput as baseSettleInput } from '../support/settle-input.js';

/** One settled haiku request at a fixed time, so rollup periods are predictable. */
const settleInput = (requestId: string, overrides: Partial<SettleInput> = {}): SettleInput =>
  baseSettleInput(requestId, {
    usage: { input: 1000, output: 200, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
    at: Date.parse('2026-11-22T10:15:00Z'),
    latencyMs: 12,
    ...overrides,
  });

describe('usage accounting', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  /** An admitted request of a key with a daily limit: what settling gives back and charges. */
  async function admitted(requestId: string) {
    const { plaintext } = await services.apiKeys.create({
      name: requestId,
      limits: { dailyCostMicros: 1e6 },
    });
    const key = await services.apiKeys.authenticate(plaintext);
    const ticket = await services.admission.admit({
      key,
      requestId,
      platform: 'claude',
      model: 'claude-haiku-4-5',
      client: undefined,
      stream: false,
      input: { boundTokens: 1000, estimateTokens: 250, cacheWrites: 'none' },
      maxTokens: 200,
    });
    return {
      key,
      ticket,
      settle: () => services.settler.settle(settleInput(requestId, { ticket, keyId: key.id })),
    };
  }

  it('settles a request id once, however often it is settled', async () => {
    const request = await admitted('req_same');
    const first = await request.settle();
    const again = await request.settle();
    expect(first.recorded).toBe(true);
    expect(again.recorded).toBe(false);
    expect(await services.requestLog.recent(10)).toHaveLength(1);
    // claude-haiku-4-5: $1 in, $5 out per MTok → 1000 + 1000 micro-USD, charged to the key once.
    expect(first.entry.costMicros).toBe(2000);
    const daily = (await services.admission.usage(request.key)).costs.find((cost) => cost.name === 'daily');
    expect(daily).toMatchObject({ spentMicros: 2000, reservedMicros: 0 });
    // Nothing about the request outlives its settle: no per-request marker keys.
    const { redis, keys } = services.context;
    expect(await redis.zcard(keys.ledgerPending())).toBe(0);
    expect(await redis.hlen(keys.keyClaims(request.key.id))).toBe(0);
    expect(await scanKeys(redis, `${keys.prefix}*req_same*`)).toEqual([]);
  });

  it('shares one write among requests settling together, still once per request id', async () => {
    const b1 = await admitted('req_b1');
    const b2 = await admitted('req_b2');
    const results = await Promise.all([b1.settle(), b2.settle(), b1.settle()]);
    expect(results.map((result) => result.recorded)).toEqual([true, true, false]);
    const entries = await services.requestLog.recent(10);
    expect(entries.map((entry) => entry.requestId).sort()).toEqual(['req_b1', 'req_b2']);
  });

  it('flags unknown models as unpriced instead of pricing them as another model', async () => {
    const { entry } = await services.settler.settle(
      settleInput('req_unknown', { model: 'claude-nonexistent-9', upstreamModel: 'claude-nonexistent-9' }),
    );
    expect(entry.costMicros).toBe(0);
    expect(entry.prices).toBeUndefined();
    await services.rollups.drain();
    const summary = await services.usage.summary('model', 'claude-nonexistent-9', '2026-11-22', '2026-11-22');
    expect(summary.totals.requests).toBe(1);
    const unpriced = await services.context.redis.hget(
      services.context.keys.usageRollup('global', 'all', 'day', '2026-11-22'),
      'unpriced',
    );
    expect(unpriced).toBe('1');
  });

  it('applies admin price overrides before the catalog, longest pattern first', async () => {
    await services.pricing.setOverride('claude-haiku*', {
      input: 2,
      output: 10,
      cacheRead: 0,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
    });
    await services.pricing.setOverride('claude-haiku-4-5', {
      input: 3,
      output: 3,
      cacheRead: 0,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
    });
    const exact = await services.settler.settle(settleInput('req_o1'));
    expect(exact.entry.costMicros).toBe(1000 * 3 + 200 * 3);
    expect(exact.entry.priceVersion).toMatch(/^override:/);
    const prefixed = await services.settler.settle(
      settleInput('req_o2', { model: 'claude-haiku-3', upstreamModel: 'claude-haiku-3' }),
    );
    expect(prefixed.entry.costMicros).toBe(1000 * 2 + 200 * 10);
    await services.pricing.removeOverride('claude-haiku-4-5');
    expect((await services.settler.settle(settleInput('req_o3'))).entry.costMicros).toBe(1000 * 2 + 200 * 10);
    await expect(
      services.pricing.setOverride('bad model!', {
        input: 1,
        output: 1,
        cacheRead: 0,
        cacheWrite5m: 0,
        cacheWrite1h: 0,
      }),
    ).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('rolls up each ledger entry exactly once, even with two jobs draining at the same time', async () => {
    for (let index = 0; index < 25; index += 1) {
      await services.settler.settle(
        settleInput(`req_${index}`, { keyId: index % 2 === 0 ? 'key_a' : 'key_b' }),
      );
    }
    // A second instance on the same keys; stopping it also clears the shared prefix, so it stops last.
    const other = await createTestServices({ keyPrefix: services.context.keys.prefix });
    onTestFinished(() => other.stop());
    await Promise.all([services.rollups.drain(), other.rollups.drain(), services.rollups.drain()]);
    const day = '2026-11-22';
    const a = await services.usage.summary('key', 'key_a', day, day);
    const b = await services.usage.summary('key', 'key_b', day, day);
    expect(a.totals.requests).toBe(13);
    expect(b.totals.requests).toBe(12);
    expect(a.totals.inputTokens).toBe(13_000);
    expect(a.byModel).toEqual([{ model: 'claude-haiku-4-5', ...a.totals }]);
    const global = await services.usage.summary('global', 'all', day, day);
    expect(global.totals.costMicros).toBe(25 * 2000);
    const hour = await services.context.redis.hget(
      services.context.keys.usageRollup('global', 'all', 'hour', '2026-11-22T10'),
      'req',
    );
    expect(hour).toBe('25');
    const month = await services.context.redis.hget(
      services.context.keys.usageRollup('global', 'all', 'month', '2026-11'),
      'req',
    );
    expect(month).toBe('25');
    // Retention: rollups expire by themselves (test retention: hour 1 day, day 2, month 3).
    const ttl = await services.context.redis.ttl(
      services.context.keys.usageRollup('key', 'key_a', 'day', day),
    );
    expect(ttl).toBeGreaterThan(86_400);
    expect(ttl).toBeLessThanOrEqual(2 * 86_400);
  });
});
