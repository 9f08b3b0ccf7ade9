import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdmissionService } from '../../src/services/admission/admission-service.js';
import type { AdmissionTicket, KeySettle } from '../../src/services/admission/admission-types.js';
import { LimitCalendar } from '../../src/services/admission/limit-periods.js';
import type { StoredApiKey } from '../../src/services/api-keys/api-key-types.js';
import type { Services } from '../../src/services/container.js';
import { createTestServices, silentLogger } from '../support/services.js';

describe('rate windows', () => {
  let services: Services;
  let clock: number;
  let admission: AdmissionService;

  beforeEach(async () => {
    services = await createTestServices();
    clock = 1_800_000_000_000; // a round second, so buckets start where the test expects
    admission = new AdmissionService(
      services.context,
      services.pricing,
      services.leases,
      new LimitCalendar(),
      services.bus,
      { leaseTtlMs: 60_000, defaultMaxOutputTokens: 1000 },
      silentLogger,
      () => clock,
    );
  });
  afterEach(async () => {
    await services.stop();
  });

  async function keyWith(window: {
    seconds: number;
    mode: 'sliding' | 'fixed';
    requests?: number;
    tokens?: number;
  }) {
    const { plaintext } = await services.apiKeys.create({ name: 'windowed', limits: { window } });
    return services.apiKeys.authenticate(plaintext);
  }
  const attempt = (key: StoredApiKey, id: string) =>
    admission
      .admit({
        key,
        requestId: id,
        platform: 'claude',
        model: 'claude-haiku-4-5',
        client: undefined,
        stream: false,
        input: { boundTokens: 10, estimateTokens: 10, cacheWrites: 'none' as const },
        maxTokens: 10,
      })
      .then(
        (ticket) => ({ ok: true as const, ticket }),
        (error: { details?: { resetAt?: number; limit?: string } }) => ({
          ok: false as const,
          details: error.details,
        }),
      );

  it('slides: a request counts until its bucket has left the window, and the reset says when', async () => {
    const key = await keyWith({ seconds: 10, mode: 'sliding', requests: 3 });
    for (const id of ['a', 'b', 'c']) expect((await attempt(key, id)).ok).toBe(true);
    clock += 4_000;
    const refused = await attempt(key, 'd');
    expect(refused).toMatchObject({ ok: false, details: { limit: 'window_requests' } });
    // Buckets are 1 s (10 s / 60, at least 1 s): the first one leaves the window 11 s after it began.
    const resetAt = clock - 4_000 + 11_000;
    expect(refused.ok ? 0 : refused.details?.resetAt).toBe(resetAt);
    clock = resetAt - 1;
    expect((await attempt(key, 'e')).ok).toBe(false);
    clock = resetAt;
    expect((await attempt(key, 'f')).ok).toBe(true);
    // a, b and c have left the window: three more fit (f counts), a fourth does not.
    expect((await attempt(key, 'g')).ok).toBe(true);
    expect((await attempt(key, 'h')).ok).toBe(true);
    expect((await attempt(key, 'i')).ok).toBe(false);
  });

  it('slides tokens too: settled tokens count against the next admissions until they age out', async () => {
    const key = await keyWith({ seconds: 60, mode: 'sliding', tokens: 1000 });
    const first = await attempt(key, 'a');
    if (!first.ok) throw new Error('first request refused');
    const pipeline = services.context.redis.pipeline();
    admission.settleInto(pipeline, [{ ticket: first.ticket, costMicros: 0, tokens: 1500 }]);
    await pipeline.exec();
    expect(await attempt(key, 'b')).toMatchObject({ ok: false, details: { limit: 'window_tokens' } });
    clock += 62_000;
    expect((await attempt(key, 'c')).ok).toBe(true);
  });

  it('settles a batch of one key in one call: each claim once, costs and tokens summed', async () => {
    const { plaintext } = await services.apiKeys.create({
      name: 'batched',
      limits: { window: { seconds: 60, mode: 'fixed', tokens: 100_000 }, dailyCostMicros: 10_000_000 },
    });
    const key = await services.apiKeys.authenticate(plaintext);
    const tickets = [];
    for (const id of ['a', 'b', 'c']) {
      const admitted = await attempt(key, id);
      if (!admitted.ok) throw new Error(`${id} refused`);
      tickets.push(admitted.ticket);
    }
    const [a, b, c] = tickets as [AdmissionTicket, AdmissionTicket, AdmissionTicket];
    const settle = async (settles: KeySettle[]) => {
      const pipeline = services.context.redis.pipeline();
      admission.settleInto(pipeline, settles);
      return (await pipeline.exec())?.[0]?.[1];
    };
    expect(
      await settle([
        { ticket: a, costMicros: 100, tokens: 300 },
        { ticket: b, costMicros: 200, tokens: 400 },
      ]),
    ).toBe(2);
    // b again (a retried settle) changes nothing; c is charged.
    expect(
      await settle([
        { ticket: b, costMicros: 999, tokens: 999 },
        { ticket: c, costMicros: 50, tokens: 60 },
      ]),
    ).toBe(1);
    const usage = await admission.usage(key);
    expect(usage.window).toMatchObject({ requests: 3, tokens: 760, costMicros: 350 });
    expect(usage.costs.find((cost) => cost.name === 'daily')).toMatchObject({
      spentMicros: 350,
      reservedMicros: 0,
    });
    expect(usage.concurrency.inFlight).toBe(0);
  });

  it('fixes: the count starts over exactly at the next window boundary', async () => {
    const key = await keyWith({ seconds: 60, mode: 'fixed', requests: 2 });
    clock = 1_800_000_030_000; // 30 s into a minute
    expect((await attempt(key, 'a')).ok).toBe(true);
    expect((await attempt(key, 'b')).ok).toBe(true);
    const refused = await attempt(key, 'c');
    expect(refused.ok ? 0 : refused.details?.resetAt).toBe(1_800_000_060_000);
    clock = 1_800_000_059_999;
    expect((await attempt(key, 'd')).ok).toBe(false);
    clock = 1_800_000_060_000;
    expect((await attempt(key, 'e')).ok).toBe(true);
  });
});
