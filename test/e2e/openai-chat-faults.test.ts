// Upstream faults on the Chat Completions routes: a refusal before the first byte fails over to another openai
// account; after it, the stream ends with a chat error chunk (never a second `[DONE]`), and a client that leaves
// takes the upstream request with it.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FailoverPair, startFailoverPair } from '../support/failover-pair.js';
import type { FakeUpstream } from '../support/fake-upstream/index.js';
import { entriesSince } from '../support/ledger.js';
import type { TestRelay } from '../support/relay.js';
import { postAndAbort, postJson, rawSseFrames } from '../support/sse-client.js';

const MODEL = 'gpt-5-mini';
const URL_PATH = '/v1/chat/completions';
const DONE = 'data: [DONE]\n\n';
/** A 429 whose limit resets well after the test looks at the account's state. */
const RATE_LIMITED = { status: 429, headers: { 'retry-after': '30', 'x-ratelimit-reset-requests': '30s' } };

let conversation = 0;
/** A new conversation each time: a repeated one could stay pinned to the account that served it. */
const params = () => {
  conversation += 1;
  return { model: MODEL, messages: [{ role: 'user' as const, content: `hi ${conversation}` }] };
};

/** The error object of a frame `data: {"error":{...}}`, else undefined. */
function errorOf(frame: string | undefined): Record<string, unknown> | undefined {
  if (frame === undefined || !frame.startsWith('data: {')) return undefined;
  const parsed = JSON.parse(frame.slice(6)) as { error?: Record<string, unknown> };
  return parsed.error;
}

describe('upstream faults on the Chat Completions routes', () => {
  let failing: FakeUpstream;
  let healthy: FakeUpstream;
  let relay: TestRelay;
  let client: OpenAI;
  let headers: Record<string, string>;
  let failingId: string;
  let healthyId: string;
  let keyId: string;

  let pair: FailoverPair;

  beforeAll(async () => {
    pair = await startFailoverPair();
    ({ failing, healthy, relay, failingId, healthyId, keyId } = pair);
    headers = { authorization: `Bearer ${pair.key}` };
    client = new OpenAI({ apiKey: pair.key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => pair.stop());
  afterEach(() => pair.reset());

  const leases = async () => {
    const { redis, keys } = relay.server.services.context;
    return (
      (await redis.zcard(keys.poolLeases('openai', failingId))) +
      (await redis.zcard(keys.poolLeases('openai', healthyId)))
    );
  };
  /**
   * The input tokens the relay may estimate for an entry without usage (about four bytes a token): of the body
   * the client sent, or of the one the upstream received, which can carry the added `stream_options`.
   */
  const expectEstimatedInput = (input: number | undefined, clientBody: unknown, upstream: FakeUpstream) => {
    expect(input).toBeGreaterThanOrEqual(Math.ceil(Buffer.byteLength(JSON.stringify(clientBody)) / 4));
    expect(input).toBeLessThanOrEqual(Math.ceil((upstream.requests[0]?.body.length ?? 0) / 4));
  };

  it.each([false, true])(
    'fails an upstream 429 with retry-after over to the second account (stream: %s)',
    async (stream) => {
      const startedAt = Date.now();
      failing.enqueue(RATE_LIMITED);
      healthy.enqueue({ usage: { inputTokens: 50, outputTokens: 6 } });
      let text = '';
      if (stream) {
        for await (const chunk of await client.chat.completions.create({ ...params(), stream: true }))
          text += chunk.choices[0]?.delta.content ?? '';
      } else {
        text = (await client.chat.completions.create(params())).choices[0]?.message.content ?? '';
      }
      expect(text).toBe('Hello from the fake upstream.');
      expect(failing.requests).toHaveLength(1);
      expect(healthy.requests).toHaveLength(1);
      // The same bytes went to both accounts.
      expect(healthy.requests[0]?.body.equals(failing.requests[0]?.body ?? Buffer.alloc(0))).toBe(true);
      expect((await relay.server.services.health.state(failingId, 'openai')).kind).toBe('rate_limited');

      const entries = await entriesSince(relay, startedAt);
      expect(entries).toHaveLength(2);
      const failedOver = entries.find((entry) => entry.outcome === 'failed_over');
      const answered = entries.find((entry) => entry.outcome === 'ok');
      expect(failedOver).toMatchObject({
        accountId: failingId,
        platform: 'openai',
        status: 429,
        usage: { input: 0, output: 0 },
        costMicros: 0,
      });
      expect(answered).toMatchObject({
        accountId: healthyId,
        platform: 'openai',
        usage: { input: 50, output: 6 },
        estimated: false,
        stream,
      });
      expect(failedOver?.requestId).toBe(`${answered?.requestId}~1`);
      expect(await leases()).toBe(0);
    },
  );

  it('ends a stream cut mid-way with one error chunk after what the upstream sent, and no [DONE]', async () => {
    // The role chunk and two pieces of text reach the client, then the connection drops.
    for (const includeUsage of [false, true]) {
      await relay.server.services.health.reset(failingId, 'openai');
      failing.reset();
      failing.enqueue({ cutAfterEvents: 3, chunks: 4 });
      const startedAt = Date.now();
      const body = {
        ...params(),
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      };
      const response = await postJson(`${relay.url}${URL_PATH}`, body, headers);
      expect(response.status).toBe(200);
      const sent = failing.requests[0]?.sentBody?.toString() ?? '';
      expect(rawSseFrames(sent)).toHaveLength(3);
      // What the upstream sent, unchanged, then the relay's error chunk, last; [DONE] never follows it.
      expect(response.text.startsWith(sent)).toBe(true);
      const added = rawSseFrames(response.text.slice(sent.length));
      expect(added).toHaveLength(1);
      expect(errorOf(added[0])).toMatchObject({ message: expect.any(String), code: 'upstream_error' });
      expect(Object.keys(errorOf(added[0]) ?? {}).filter((name) => name !== 'details')).toEqual([
        'message',
        'type',
        'param',
        'code',
      ]);
      expect(response.text).not.toContain(DONE);
      expect(healthy.requests).toHaveLength(0);
      expect((await relay.server.services.health.state(failingId, 'openai')).kind).toBe('cooling');

      const entries = await entriesSince(relay, startedAt);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        accountId: failingId,
        platform: 'openai',
        outcome: 'upstream_error',
        estimated: true,
        stream: true,
        usage: { cacheRead: 0 },
      });
      expectEstimatedInput(entries[0]?.usage.input, body, failing);
      expect(entries[0]?.usage.output).toBeGreaterThan(0);
      expect(await leases()).toBe(0);
    }
  });

  it('lets the SDK raise the error chunk of a cut stream', async () => {
    failing.enqueue({ cutAfterEvents: 3 });
    let text = '';
    const reading = (async () => {
      for await (const chunk of await client.chat.completions.create({ ...params(), stream: true }))
        text += chunk.choices[0]?.delta.content ?? '';
    })();
    await expect(reading).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(text.length).toBeGreaterThan(0);
    expect(healthy.requests).toHaveLength(0);
  });

  it('passes an error chunk the upstream sends after output through once, with no [DONE] after it', async () => {
    failing.enqueue({
      errorEventAfterEvents: 3,
      errorType: 'server_error',
      errorMessage: 'The server had an error while processing your request.',
    });
    const response = await postJson(`${relay.url}${URL_PATH}`, { ...params(), stream: true }, headers);
    expect(response.status).toBe(200);
    const frames = rawSseFrames(response.text);
    const errors = frames.filter((frame) => errorOf(frame) !== undefined);
    expect(errors).toHaveLength(1);
    expect(errorOf(errors[0])).toMatchObject({
      message: 'The server had an error while processing your request.',
      type: 'server_error',
    });
    expect(frames.indexOf(errors[0] ?? '')).toBe(3);
    expect(frames.filter((frame) => frame === DONE).length).toBeLessThanOrEqual(1);
    expect(frames.slice(4)).not.toContain(DONE);
    expect(healthy.requests).toHaveLength(0);
  });

  it('aborts the upstream when the client leaves mid-stream and records the request as client_aborted', async () => {
    // The upstream sends its role chunk and the first piece of text, then waits for the client.
    failing.enqueue({ stallAfterEvents: 2, chunks: 3 });
    const startedAt = Date.now();
    const body = { ...params(), stream: true };
    await postAndAbort(`${relay.url}${URL_PATH}`, body, headers, 'Hello');
    await failing.waitForIdle();
    expect(failing.requests[0]?.aborted).toBe(true);
    // The relay asked for usage upstream; the client left long before the usage chunk.
    expect(failing.requests[0]?.json).toMatchObject({ stream_options: { include_usage: true } });
    expect(failing.requests[0]?.reportedUsage).toBeUndefined();
    const entries = await entriesSince(relay, startedAt);
    expect(entries).toEqual([
      expect.objectContaining({ accountId: failingId, outcome: 'client_aborted', estimated: true }),
    ]);
    expectEstimatedInput(entries[0]?.usage.input, body, failing);
    expect(healthy.requests).toHaveLength(0);
    expect(await leases()).toBe(0);
    const { redis, keys } = relay.server.services.context;
    expect(await redis.zcard(keys.keyLeases(keyId))).toBe(0);
  });
});
