// Redis stopped or frozen under a running relay: requests are refused at once with a retryable 503 in the
// client's format, service resumes when Redis does, and no settled request is lost or counted twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBooksBalance, expectRefusedFast } from '../support/books.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { type RedisProcess, startRedisProcess } from '../support/redis-process.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';
import { openStream, postJson, type StreamedResponse } from '../support/sse-client.js';

const BODY = { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

describe('a Redis outage', () => {
  let redis: RedisProcess;
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: Awaited<ReturnType<typeof createKey>>;

  beforeAll(async () => {
    redis = await startRedisProcess();
    fake = await startFakeUpstream();
    relay = await startTestRelay({ env: { REDIS_URL: redis.url } });
    await createClaudeAccount(relay, fake.url);
    key = await createKey(relay, { limits: { dailyCostMicros: 50_000_000, concurrency: 50 } });
  });
  afterAll(async () => {
    redis.thaw();
    await redis.start();
    await relay?.stop();
    await fake?.close();
    await redis?.destroy();
  });

  const headers = () => ({ 'x-api-key': key.plaintext });
  const timed = async (plaintext = key.plaintext): Promise<StreamedResponse & { ms: number }> => {
    const started = performance.now();
    const response = await postJson(`${relay.url}/v1/messages`, BODY, { 'x-api-key': plaintext });
    return { ...response, ms: performance.now() - started };
  };

  /** Streams that are answering when Redis goes and finish while it is away: their settles must wait. */
  async function streamsAcrossTheOutage(count: number) {
    fake.setDefault({ eventDelayMs: 150, chunks: 8 });
    const streams = Array.from({ length: count }, () =>
      openStream(`${relay.url}/v1/messages`, { ...BODY, stream: true }, headers()),
    );
    for (const stream of streams) expect(await stream.status).toBe(200);
    fake.setDefault({});
    return streams;
  }

  async function expectServedAgain() {
    await expect.poll(async () => (await timed()).status, { timeout: 10_000, interval: 100 }).toBe(200);
    const after = await Promise.all(Array.from({ length: 10 }, () => timed()));
    expect(after.map((response) => response.status)).toEqual(Array(10).fill(200));
  }

  it('refuses at once while Redis is stopped, and records the streams that finished meanwhile', async () => {
    expect((await timed()).status).toBe(200);
    const streams = await streamsAcrossTheOutage(4);
    await redis.stop();
    expectRefusedFast(await Promise.all(Array.from({ length: 20 }, () => timed())));
    // The open streams finish while Redis is away; their usage waits in memory.
    for (const stream of streams) expect(await stream.done).toContain('message_stop');
    expect(relay.server.services.settler.status().queued).toBeGreaterThan(0);
    await redis.start();
    await expectServedAgain();
    await expectBooksBalance(relay, fake, key.key.id);
  });

  it('refuses within a bound while Redis is frozen, and counts nothing twice when it thaws', async () => {
    const streams = await streamsAcrossTheOutage(4);
    // A key never used on this instance must be looked up in Redis: that lookup is bounded too.
    const fresh = await createKey(relay);
    redis.freeze();
    expectRefusedFast(
      await Promise.all([
        ...Array.from({ length: 10 }, () => timed()),
        timed(fresh.plaintext),
        timed(fresh.plaintext),
      ]),
    );
    for (const stream of streams) expect(await stream.done).toContain('message_stop');
    // Settles and admissions that timed out are still in the frozen server's socket: they run when it thaws,
    // and so do their retries.
    redis.thaw();
    await expectServedAgain();
    await expectBooksBalance(relay, fake, key.key.id);
  });
});
