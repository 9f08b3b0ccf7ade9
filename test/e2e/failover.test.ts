// Failover between accounts of the Claude pool: a failing account is moved out of service with the right
// state, the request goes on to a healthy account, and the client sees one clean answer.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

let conversation = 0;
/** A new conversation each time: a repeated one would stay pinned to the account that served it. */
const params = () => {
  conversation += 1;
  return {
    model: 'claude-haiku-4-5',
    max_tokens: 32,
    messages: [{ role: 'user' as const, content: `hi ${conversation}` }],
  };
};

describe('failover', () => {
  let healthy: FakeUpstream;
  let failing: FakeUpstream;
  let relay: TestRelay;
  let client: Anthropic;
  let failingId: string;
  let healthyId: string;

  beforeAll(async () => {
    healthy = await startFakeUpstream();
    failing = await startFakeUpstream();
    relay = await startTestRelay({ env: { OVERLOAD_COOLDOWN_MS: '1500', ERROR_COOLDOWN_MS: '1500' } });
    // The failing account has the better priority: every request tries it first while it is in service.
    failingId = (await createClaudeAccount(relay, failing.url, { name: 'A', priority: 1 })).id;
    healthyId = (await createClaudeAccount(relay, healthy.url, { name: 'B', priority: 2 })).id;
    client = new Anthropic({ apiKey: (await createKey(relay)).plaintext, baseURL: relay.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await relay.stop();
    await healthy.close();
    await failing.close();
  });
  afterEach(async () => {
    healthy.reset();
    failing.reset();
    await relay.server.services.health.reset(failingId, 'claude');
  });

  const health = () => relay.server.services.health;

  it.each([
    ['answers 529', { status: 529, errorType: 'overloaded_error', errorMessage: 'Overloaded' }, 'overloaded'],
    ['drops the connection before the first byte', { dropConnection: true }, 'unreachable'],
  ])('serves all 100 requests through B while A %s, then A recovers', async (_name, scenario, reason) => {
    const startedAt = Date.now();
    failing.setDefault(scenario);
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => client.messages.create(params()).then((message) => message.content)),
    );
    expect(answers).toHaveLength(100);
    expect(healthy.requests).toHaveLength(100);
    // Requests sent together may each meet A before its state is written; once it is, A is skipped until
    // its time is over.
    expect(failing.requests.length).toBeGreaterThanOrEqual(1);
    const metA = failing.requests.length;
    const cooling = await health().state(failingId, 'claude');
    for (let i = 0; i < 10; i += 1) await client.messages.create(params());
    const late = failing.requests.slice(metA);
    expect(late.every((request) => request.receivedAt >= (cooling.until ?? Number.POSITIVE_INFINITY))).toBe(
      true,
    );
    expect(healthy.requests.length + late.length).toBe(110);

    const state = await health().state(failingId, 'claude');
    expect(state).toMatchObject({ kind: 'cooling', reason });
    const history = await health().history(failingId);
    expect(history[0]).toMatchObject({ from: 'active', to: 'cooling', reason });

    await settled(relay);
    const ledger = (await relay.server.services.requestLog.recent(400)).filter(
      (entry) => entry.at >= startedAt,
    );
    // One ledger entry per attempt that failed over, and one per request for the answer the client got.
    const failedOver = ledger.filter((entry) => entry.outcome === 'failed_over');
    expect(failedOver).toHaveLength(failing.requests.length);
    expect(failedOver.every((entry) => entry.accountId === failingId && entry.requestId.endsWith('~1'))).toBe(
      true,
    );
    expect(ledger.filter((entry) => entry.outcome === 'ok' && entry.accountId === healthyId)).toHaveLength(
      110,
    );
    // Every attempt's account lease was given back.
    const { redis, keys } = relay.server.services.context;
    expect(await redis.zcard(keys.poolLeases('claude', failingId))).toBe(0);
    expect(await redis.zcard(keys.poolLeases('claude', healthyId))).toBe(0);

    // A is back in service once its cooling time has passed, and being first in priority it is used again.
    failing.setDefault({});
    await vi.waitFor(async () => expect((await health().state(failingId, 'claude')).kind).toBe('active'), {
      timeout: 5000,
      interval: 100,
    });
    await client.messages.create(params());
    expect(failing.requests.at(-1)?.completed).toBe(true);
  });

  it('fails a stream over when its only event before the error is message_start', async () => {
    failing.enqueue({ errorEventAfterEvents: 1 });
    const stream = client.messages.stream(params());
    const events: string[] = [];
    for await (const event of stream) events.push(event.type);
    const message = await stream.finalMessage();
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake upstream.' });
    expect(events.filter((type) => type === 'message_start')).toHaveLength(1);
    expect(failing.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(1);
    expect((await health().state(failingId, 'claude')).kind).toBe('cooling');
  });

  it('ends a stream with an error event when the account fails after content went out', async () => {
    failing.enqueue({ cutAfterEvents: 4 });
    const stream = client.messages.stream(params());
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(healthy.requests).toHaveLength(0);
  });

  it('does not fail over a request the upstream refused as invalid', async () => {
    failing.enqueue({ status: 400, errorType: 'invalid_request_error', errorMessage: 'messages: bad' });
    await expect(client.messages.create(params())).rejects.toMatchObject({ status: 400 });
    expect(healthy.requests).toHaveLength(0);
    expect((await health().state(failingId, 'claude')).kind).toBe('active');
  });

  it('answers the last failure when every account failed', async () => {
    failing.enqueue({ status: 500, errorType: 'api_error', errorMessage: 'boom A' });
    healthy.enqueue({ status: 529, errorType: 'overloaded_error', errorMessage: 'Overloaded B' });
    await expect(client.messages.create(params())).rejects.toMatchObject({ status: 529 });
    expect(failing.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(1);
    await relay.server.services.health.reset(healthyId, 'claude');
  });
});
