import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import { createTestServices } from '../support/services.js';
import { settleInput } from '../support/settle-input.js';

describe('key usage view', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  it('shows spend, reservations in flight, concurrency and the window against each limit with resets', async () => {
    const { key } = await services.apiKeys.create({
      name: 'metered',
      limits: {
        concurrency: 4,
        dailyCostMicros: 1_000_000,
        weeklyCostMicrosByFamily: { haiku: 2_000_000 },
        window: { seconds: 60, mode: 'fixed', requests: 100 },
      },
    });
    const stored = await services.apiKeys.authenticate((await services.apiKeys.rotate(key.id)).plaintext);
    const admit = (requestId: string) =>
      services.admission.admit({
        key: stored,
        requestId,
        platform: 'claude',
        model: 'claude-haiku-4-5',
        client: undefined,
        stream: false,
        input: { boundTokens: 100, estimateTokens: 100, cacheWrites: 'none' as const },
        maxTokens: 100,
      });
    const settled = await admit('req_1');
    const running = await admit('req_2');
    await services.settler.settle(settleInput('req_1', { ticket: settled, keyId: key.id }));

    const usage = await services.admission.usage(stored);
    expect(usage.concurrency).toEqual({ inFlight: 1, limit: 4 });
    expect(usage.window).toMatchObject({
      mode: 'fixed',
      requests: 2,
      tokens: 1100,
      costMicros: 1500,
      limits: { requests: 100 },
    });
    expect(usage.window?.resetsAt).toBeGreaterThan(Date.now());
    const daily = usage.costs.find((cost) => cost.name === 'daily');
    // haiku: $1 in, $5 out → 1,000 + 500 micro-USD; the running request holds its worst case (an input bound
    // of 100 tokens with no cache writes asked for, $1, plus 100 output tokens at $5: 601 micro-USD).
    expect(daily).toMatchObject({ spentMicros: 1500, reservedMicros: 601, limitMicros: 1_000_000 });
    expect(daily?.resetsAt).toBeGreaterThan(Date.now());
    expect(usage.costs.find((cost) => cost.name === 'weekly_haiku')).toMatchObject({
      spentMicros: 1500,
      reservedMicros: 601,
      limitMicros: 2_000_000,
    });
    expect(usage.costs.find((cost) => cost.name === 'total')).toMatchObject({
      spentMicros: 1500,
      resetsAt: undefined,
    });
    expect(usage.costs.find((cost) => cost.name === 'weekly_opus')).toMatchObject({ spentMicros: 0 });

    await services.admission.release(running);
    const after = await services.admission.usage(stored);
    expect(after.concurrency.inFlight).toBe(0);
    expect(after.costs.find((cost) => cost.name === 'daily')?.reservedMicros).toBe(0);
  });
});
