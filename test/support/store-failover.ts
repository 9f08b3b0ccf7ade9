// The Redis failover check both topologies share: a relay under light load while its Redis primary dies is
// served again once a replica takes over, without a restart; requests during the switch get fast 503s in the
// client's format; streams open across the switch finish; nothing settled is lost from the ledger.
import { afterAll, beforeAll, expect } from 'vitest';
import { expectBooksBalance, expectRefusedFast } from './books.js';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream/index.js';
import { createClaudeAccount, startTestRelay, type TestRelay } from './relay.js';
import { openStream, postJson, type StreamedResponse } from './sse-client.js';

const BODY = { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

export interface FailoverFigures {
  promotedMs: number;
  servedAgainMs: number;
  refused: number;
  slowestRefusalMs: number;
}

/**
 * `failover` kills the primary and resolves, once it is dead, with `promoted`: a promise of the replica's
 * promotion. The figures are measured from the kill.
 */
export async function expectServedAcrossFailover(
  relay: TestRelay,
  fake: FakeUpstream,
  key: { plaintext: string; id: string },
  failover: () => Promise<{ promoted: Promise<unknown> }>,
): Promise<FailoverFigures> {
  const timed = async (): Promise<StreamedResponse & { ms: number }> => {
    const started = performance.now();
    const response = await postJson(`${relay.url}/v1/messages`, BODY, { 'x-api-key': key.plaintext });
    return { ...response, ms: performance.now() - started };
  };
  for (let index = 0; index < 5; index += 1) expect((await timed()).status).toBe(200);
  // Streams answering across the switch: their settles wait in memory for the new primary.
  fake.setDefault({ eventDelayMs: 400, chunks: 8 });
  const streams = Array.from({ length: 3 }, () =>
    openStream(`${relay.url}/v1/messages`, { ...BODY, stream: true }, { 'x-api-key': key.plaintext }),
  );
  for (const stream of streams) expect(await stream.status).toBe(200);
  fake.setDefault({});

  const killedAt = performance.now();
  const { promoted } = await failover();
  const promotion = promoted.then(() => performance.now() - killedAt);
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
  // Served again within a moment of the new primary taking over.
  expect(servedAgainMs).toBeLessThan(promotedMs + 3000);
  for (const stream of streams) expect(await stream.done).toContain('message_stop');
  const after = await Promise.all(Array.from({ length: 10 }, () => timed()));
  expect(after.map((response) => response.status)).toEqual(Array(10).fill(200));

  await expectBooksBalance(relay, fake, key.id);
  return {
    promotedMs: Math.round(promotedMs),
    servedAgainMs: Math.round(servedAgainMs),
    refused: during.length,
    slowestRefusalMs: Math.round(Math.max(0, ...during.map((response) => response.ms))),
  };
}

/** What a relay on a throwaway Redis topology needs: how to reach it, and how to take it down. */
export interface StoreTopology {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The file's topology, fake upstream and relay (one Claude account), started in `beforeAll` and stopped in
 * `afterAll`; read them inside tests.
 */
export function relayOnTopology<T extends StoreTopology>(
  start: () => Promise<T>,
): { readonly topology: T; readonly fake: FakeUpstream; readonly relay: TestRelay } {
  const started: { topology?: T; fake?: FakeUpstream; relay?: TestRelay } = {};
  beforeAll(async () => {
    started.topology = await start();
    started.fake = await startFakeUpstream();
    started.relay = await startTestRelay({ env: started.topology.env });
    await createClaudeAccount(started.relay, started.fake.url);
  }, 60_000);
  afterAll(async () => {
    await started.relay?.stop();
    await started.fake?.close();
    await started.topology?.stop();
  });
  const get = <K extends keyof typeof started>(name: K): NonNullable<(typeof started)[K]> => {
    const value = started[name];
    if (!value) throw new Error(`the topology's ${name} has not started`);
    return value as NonNullable<(typeof started)[K]>;
  };
  return {
    get topology() {
      return get('topology');
    },
    get fake() {
      return get('fake');
    },
    get relay() {
      return get('relay');
    },
  };
}
