import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../support/fake-upstream/index.js';
import { createKey, type RelayPair, settled, startRelayPair, type TestRelay } from '../support/relay.js';
import { postAndAbort, postJson } from '../support/sse-client.js';

const STREAM_BODY = {
  model: 'claude-haiku-4-5',
  max_tokens: 64,
  stream: true,
  messages: [{ role: 'user', content: 'hi' }],
};

describe('a concurrency-5 key under 200 concurrent streams on two instances', () => {
  let pair: RelayPair;
  let fake: FakeUpstream;
  let first: TestRelay;
  let second: TestRelay;

  beforeAll(async () => {
    pair = await startRelayPair({ withAccount: true });
    ({ fake, first, second } = pair);
  });
  afterAll(() => pair.stop());
  beforeEach(() => {
    fake.reset();
    // Streams long enough to overlap: ~12 events 15 ms apart.
    fake.setDefault({ eventDelayMs: 15, chunks: 6 });
  });

  const relays = () => [first, second];
  const leaseCount = (keyId: string) =>
    first.server.services.context.redis.zcard(first.server.services.context.keys.keyLeases(keyId));

  it('never lets the upstream see more than 5 at once, refuses the rest with 429, and leaves no lease', async () => {
    const { key, plaintext } = await createKey(first, { limits: { concurrency: 5 } });
    const headers = { 'x-api-key': plaintext, 'anthropic-version': '2023-06-01' };
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        postJson(`${relays()[index % 2]?.url}/v1/messages`, STREAM_BODY, headers),
      ),
    );
    const ok = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status === 429);
    expect(ok.length + refused.length).toBe(200);
    expect(ok.length).toBeGreaterThanOrEqual(5);
    expect(refused.length).toBeGreaterThan(0);
    expect(JSON.parse(refused[0]?.text ?? '{}').error).toMatchObject({
      type: 'rate_limit_error',
      code: 'concurrency_limited',
    });
    expect(refused[0]?.headers['retry-after']).toBe('1');
    expect(fake.maxInFlight).toBeLessThanOrEqual(5);
    await settled(first);
    await settled(second);
    expect(await leaseCount(key.id)).toBe(0);
  });

  it('queues instead, serves all 200 at most 5 at a time, and cleans up after half abort mid-stream', async () => {
    const { key, plaintext } = await createKey(first, {
      limits: { concurrency: 5, queue: { maxWaiters: 200, maxWaitMs: 60_000 } },
    });
    const headers = { 'x-api-key': plaintext, 'anthropic-version': '2023-06-01' };
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) => {
        const url = `${relays()[index % 2]?.url}/v1/messages`;
        return index % 2 === 0
          ? postJson(url, STREAM_BODY, headers).then((response) => response.status)
          : postAndAbort(url, STREAM_BODY, headers, 'content_block_delta').then(() => 'aborted');
      }),
    );
    expect(results.filter((result) => result === 200)).toHaveLength(100);
    expect(results.filter((result) => result === 'aborted')).toHaveLength(100);
    expect(fake.maxInFlight).toBeLessThanOrEqual(5);
    expect(fake.maxInFlight).toBeGreaterThan(1);
    await fake.waitForIdle();
    await settled(first);
    await settled(second);
    expect(await leaseCount(key.id)).toBe(0);
    const waiters = await first.server.services.context.redis.get(
      `${first.server.services.context.keys.apiKeySlotPrefix(key.id)}waiters`,
    );
    expect(Number(waiters ?? 0)).toBe(0);
    const entries = await first.server.services.requestLog.recent(1000);
    const outcomes = new Map<string, number>();
    for (const entry of entries) {
      if (entry.keyId === key.id) outcomes.set(entry.outcome, (outcomes.get(entry.outcome) ?? 0) + 1);
    }
    // Every request recorded once: the 100 read to the end ok, the 100 abandoned cut mid-stream (client_aborted).
    // Except that a stream the relay had written to its end before the client hung up did succeed: under load a
    // client can read its first delta only after the whole stream was sent (98 or 99 of 100 cut, seen on CI).
    const aborted = outcomes.get('client_aborted') ?? 0;
    expect(Object.fromEntries(outcomes)).toEqual({ ok: 200 - aborted, client_aborted: aborted });
    expect(aborted).toBeGreaterThanOrEqual(90);
  });
});
