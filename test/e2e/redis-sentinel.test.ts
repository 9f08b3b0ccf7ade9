// A relay on a Sentinel-managed Redis whose primary is killed: it is served again once a replica is promoted,
// without a restart; requests during the switch get fast 503s in the client's format; nothing settled is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBooksBalance, expectRefusedFast } from '../support/books.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { type SentinelTopology, startSentinelTopology } from '../support/redis-sentinel.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';
import { openStream, postJson, type StreamedResponse } from '../support/sse-client.js';

const BODY = { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

describe('a Sentinel failover', () => {
  let topology: SentinelTopology;
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: Awaited<ReturnType<typeof createKey>>;

  beforeAll(async () => {
    topology = await startSentinelTopology();
    fake = await startFakeUpstream();
    relay = await startTestRelay({ env: topology.env });
    await createClaudeAccount(relay, fake.url);
    key = await createKey(relay, { limits: { dailyCostMicros: 50_000_000, concurrency: 50 } });
  }, 60_000);
  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
    await topology?.stop();
  });

  const timed = async (): Promise<StreamedResponse & { ms: number }> => {
    const started = performance.now();
    const response = await postJson(`${relay.url}/v1/messages`, BODY, { 'x-api-key': key.plaintext });
    return { ...response, ms: performance.now() - started };
  };

  it('serves again after the promotion, refusing fast meanwhile, with every served request in the ledger', async () => {
    for (let index = 0; index < 5; index += 1) expect((await timed()).status).toBe(200);
    // Streams answering across the switch: their settles wait in memory for the new primary.
    fake.setDefault({ eventDelayMs: 400, chunks: 8 });
    const streams = Array.from({ length: 3 }, () =>
      openStream(`${relay.url}/v1/messages`, { ...BODY, stream: true }, { 'x-api-key': key.plaintext }),
    );
    for (const stream of streams) expect(await stream.status).toBe(200);
    fake.setDefault({});

    const killedAt = performance.now();
    const oldPort = await topology.killPrimary();
    const promotion = topology.promoted(oldPort).then(() => performance.now() - killedAt);
    // Light load through the switch: one request at a time until one is served again.
    const during: Array<StreamedResponse & { ms: number }> = [];
    let servedAgainMs = 0;
    for (;;) {
      const response = await timed();
      if (response.status === 200) {
        servedAgainMs = performance.now() - killedAt;
        break;
      }
      during.push(response);
      expect(performance.now() - killedAt).toBeLessThan(30_000);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the pace of the light load
    }
    const promotedMs = await promotion;
    expectRefusedFast(during);
    // Served again within a moment of the Sentinels naming the new primary.
    expect(servedAgainMs).toBeLessThan(promotedMs + 3000);
    console.info(
      `sentinel failover: promoted after ${Math.round(promotedMs)} ms, served again after ` +
        `${Math.round(servedAgainMs)} ms, ${during.length} requests refused meanwhile ` +
        `(slowest ${Math.round(Math.max(0, ...during.map((response) => response.ms)))} ms)`,
    );
    for (const stream of streams) expect(await stream.done).toContain('message_stop');
    const after = await Promise.all(Array.from({ length: 10 }, () => timed()));
    expect(after.map((response) => response.status)).toEqual(Array(10).fill(200));

    await expectBooksBalance(relay, fake, key.key.id);
  }, 90_000);
});
