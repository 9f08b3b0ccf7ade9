import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../support/fake-upstream/index.js';
import { createKey, type RelayPair, settled, startRelayPair, type TestRelay } from '../support/relay.js';
import { postJson } from '../support/sse-client.js';

// claude-haiku-4-5: $1 input, $5 output per million tokens. Each answer reports 900 output tokens.
const OUTPUT_TOKENS = 900;
const DAILY_LIMIT_MICROS = 100_000;

describe('100 concurrent requests against a daily cost limit', () => {
  let pair: RelayPair;
  let fake: FakeUpstream;
  let first: TestRelay;
  let second: TestRelay;

  beforeAll(async () => {
    pair = await startRelayPair({ withAccount: true });
    ({ fake, first, second } = pair);
  });
  afterAll(() => pair.stop());

  it('never lets settled spend exceed the limit, asks the rest to wait or refuses them, and keeps no reservation', async () => {
    fake.setDefault({ usage: { outputTokens: OUTPUT_TOKENS }, eventDelayMs: 5 });
    const { key, plaintext } = await createKey(first, { limits: { dailyCostMicros: DAILY_LIMIT_MICROS } });
    const body = {
      model: 'claude-haiku-4-5',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'Write a lot.' }],
    };
    const headers = { 'x-api-key': plaintext, 'anthropic-version': '2023-06-01' };
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        postJson(
          `${[first, second][index % 2]?.url}/v1/messages`,
          { ...body, stream: index % 3 === 0 },
          headers,
        ),
      ),
    );
    await settled(first);
    await settled(second);

    const ok = responses.filter((response) => response.status === 200);
    // What is left of the limit is held by the requests in flight: the others are asked to retry (429), since
    // it frees up as those finish.
    const waiting = responses.filter((response) => response.status === 429);
    // A request admitted after others of the burst had already settled may find the rest of the limit too
    // small for it, spent rather than held: refused for good (402), rightly. How many do depends on how the
    // burst interleaves with the settles (more on a cluster, where each command travels alone).
    const spentOut = responses.filter((response) => response.status === 402);
    for (const response of spentOut) {
      expect(JSON.parse(response.text).error).toMatchObject({
        type: 'billing_error',
        details: { limit: 'daily', reason: expect.stringMatching(/^(does_not_fit|exhausted)$/) },
      });
    }
    expect(ok.length + waiting.length + spentOut.length).toBe(100);
    // Every answer costs ~4,550 micro-USD, so without reservations all 100 (~455,000) would have run.
    expect(ok.length).toBeGreaterThan(0);
    expect(waiting.length + spentOut.length).toBeGreaterThan(50);
    expect(waiting.length).toBeGreaterThan(0);
    const busy = JSON.parse(waiting[0]?.text ?? '{}');
    expect(busy.error).toMatchObject({
      type: 'rate_limit_error',
      details: { limit: 'daily', reason: 'in_flight', maxMicros: DAILY_LIMIT_MICROS },
    });
    expect(waiting[0]?.headers['retry-after']).toBe('1');

    // One at a time from here: each takes what is left (its output capped to fit) until nothing is.
    // (How many still fit depends on how much the concurrent burst left: none, when its last requests were
    // capped to exactly what remained.)
    let refused: Awaited<ReturnType<typeof postJson>> | undefined;
    let servedOneByOne = 0;
    for (let attempt = 0; attempt < 40 && !refused; attempt += 1) {
      const response = await postJson(`${first.url}/v1/messages`, body, headers);
      if (response.status === 402) refused = response;
      else {
        expect(response.status).toBe(200);
        servedOneByOne += 1;
      }
    }
    await settled(first);
    const refusal = JSON.parse(refused?.text ?? '{}');
    expect(refusal.error).toMatchObject({
      type: 'billing_error',
      code: 'quota_exceeded',
      details: { limit: 'daily', maxMicros: DAILY_LIMIT_MICROS },
    });
    expect(refusal.error.details.resetAt).toBeGreaterThan(Date.now());
    expect(refused?.headers['x-should-retry']).toBe('false');

    const entries = (await first.server.services.requestLog.recent(500)).filter(
      (entry) => entry.keyId === key.id,
    );
    // One entry per answer served, none for a request refused before it ran.
    expect(entries.length).toBe(ok.length + servedOneByOne);
    const spent = entries.reduce((sum, entry) => sum + entry.costMicros, 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(DAILY_LIMIT_MICROS);

    const { redis, keys } = first.server.services.context;
    const prefix = keys.apiKeySlotPrefix(key.id);
    expect(await redis.hlen(keys.keyClaims(key.id))).toBe(0);
    expect(await redis.hgetall(`${prefix}reserved`)).toEqual({});
    expect(await redis.zcard(keys.keyClaimExpiry(key.id))).toBe(0);
    // The live counter the next admission checks holds exactly the settled spend.
    const day = new Date().toISOString().slice(0, 10);
    expect(Number(await redis.get(`${prefix}spend:day:${day}`))).toBe(spent);
  });

  it('refuses with a 402 that the SDK does not retry', async () => {
    const { plaintext } = await createKey(first, { limits: { totalCostMicros: 1 } });
    const client = new Anthropic({ apiKey: plaintext, baseURL: first.url, maxRetries: 2 });
    const error = await client.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(402);
    const body = (error as InstanceType<typeof Anthropic.APIError>).error as { error: { message: string } };
    expect(body.error.message).toMatch(/total/);
  });
});
