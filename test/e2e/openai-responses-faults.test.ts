// Upstream faults on the Responses routes: failures before the first byte fail over to another openai account;
// after it, the stream ends with the Responses API's own `error` event and the ledger keeps what can be known.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FailoverPair, startFailoverPair } from '../support/failover-pair.js';
import { type FakeUpstream, parseSseFrames } from '../support/fake-upstream/index.js';
import { settled, type TestRelay } from '../support/relay.js';
import { openStream, postAndAbort, postJson } from '../support/sse-client.js';

const MODEL = 'gpt-5-mini';
const URL_PATH = '/openai/v1/responses';
/** A 429 whose limit resets well after the test looks at the account's state. */
const RATE_LIMITED = { status: 429, headers: { 'retry-after': '30', 'x-ratelimit-reset-requests': '30s' } };

let conversation = 0;
/** A new conversation each time: a repeated one would stay pinned to the account that served it. */
const params = () => {
  conversation += 1;
  return { model: MODEL, input: `hi ${conversation}` };
};

describe('upstream faults on the Responses routes', () => {
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
    client = new OpenAI({ apiKey: pair.key, baseURL: `${relay.url}/openai/v1`, maxRetries: 0 });
  });
  afterAll(() => pair.stop());
  afterEach(() => pair.reset());

  const entriesSince = async (since: number) => {
    await settled(relay);
    return (await relay.server.services.requestLog.recent(20)).filter((entry) => entry.at >= since);
  };
  const leases = async () => {
    const { redis, keys } = relay.server.services.context;
    return (
      (await redis.zcard(keys.poolLeases('openai', failingId))) +
      (await redis.zcard(keys.poolLeases('openai', healthyId)))
    );
  };
  /** The input tokens the relay estimates for a body it sent (about four bytes a token), for estimated entries. */
  const estimatedInput = (upstream: FakeUpstream, index = 0) =>
    Math.ceil((upstream.requests[index]?.body.length ?? 0) / 4);

  it.each([
    ['429', false, RATE_LIMITED, 'rate_limited'],
    ['429', true, RATE_LIMITED, 'rate_limited'],
    ['500', false, { status: 500 }, 'cooling'],
    ['500', true, { status: 500 }, 'cooling'],
  ] as const)(
    'fails an upstream %s over to the second account (stream: %s)',
    async (_status, stream, scenario, state) => {
      const startedAt = Date.now();
      failing.enqueue(scenario);
      healthy.enqueue({ usage: { inputTokens: 50, outputTokens: 6 } });
      let text: string;
      if (stream) {
        text = '';
        for await (const event of await client.responses.create({ ...params(), stream: true })) {
          if (event.type === 'response.output_text.delta') text += event.delta;
        }
      } else {
        text = (await client.responses.create(params())).output_text;
      }
      expect(text).toBe('Hello from the fake upstream.');
      expect(failing.requests).toHaveLength(1);
      expect(healthy.requests).toHaveLength(1);
      // The same bytes went to both accounts.
      expect(healthy.requests[0]?.body.equals(failing.requests[0]?.body ?? Buffer.alloc(0))).toBe(true);
      expect((await relay.server.services.health.state(failingId, 'openai')).kind).toBe(state);

      const entries = await entriesSince(startedAt);
      expect(entries).toHaveLength(2);
      const failedOver = entries.find((entry) => entry.outcome === 'failed_over');
      const answered = entries.find((entry) => entry.outcome === 'ok');
      expect(failedOver).toMatchObject({
        accountId: failingId,
        platform: 'openai',
        status: scenario.status,
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

  it('fails a stream over when the upstream errors before any output', async () => {
    // response.created, then the error event: nothing the client could use has gone out.
    failing.enqueue({ errorEventAfterEvents: 1 });
    const types: string[] = [];
    for await (const event of await client.responses.create({ ...params(), stream: true }))
      types.push(event.type);
    expect(types.filter((type) => type === 'response.created')).toHaveLength(1);
    expect(types.at(-1)).toBe('response.completed');
    expect(healthy.requests).toHaveLength(1);
    expect((await relay.server.services.health.state(failingId, 'openai')).kind).toBe('cooling');
  });

  it('fails a stream over when the upstream reports response.failed before any output', async () => {
    failing.enqueue({ failedAfterEvents: 2, errorType: 'server_error' });
    const types: string[] = [];
    for await (const event of await client.responses.create({ ...params(), stream: true }))
      types.push(event.type);
    expect(types).not.toContain('response.failed');
    expect(types.at(-1)).toBe('response.completed');
    expect(healthy.requests).toHaveLength(1);
    expect((await relay.server.services.health.state(failingId, 'openai')).kind).toBe('cooling');
  });

  it('neither retries elsewhere nor blames the account for a request the upstream failed as too long', async () => {
    // Codex's backend answers an over-long conversation with a 200 stream ending in response.failed: any account
    // would answer the same, and Codex reads the code as its context window being full.
    failing.enqueue({
      failedAfterEvents: 2,
      errorType: 'context_length_exceeded',
      errorMessage:
        'Your input exceeds the context window of this model. Please adjust your input and try again.',
    });
    const startedAt = Date.now();
    const response = await postJson(`${relay.url}${URL_PATH}`, { ...params(), stream: true }, headers);
    expect(response.status).toBe(200);
    const last = parseSseFrames(response.text).at(-1);
    expect(last?.event).toBe('response.failed');
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({
      response: { status: 'failed', error: { code: 'context_length_exceeded' } },
    });
    expect(healthy.requests).toHaveLength(0);
    expect((await relay.server.services.health.state(failingId, 'openai')).kind).toBe('active');
    expect(await entriesSince(startedAt)).toEqual([
      expect.objectContaining({
        accountId: failingId,
        outcome: 'upstream_error',
        errorCode: 'context_length_exceeded',
      }),
    ]);
  });

  it('ends a stream cut mid-way with an error event and records its estimated usage', async () => {
    // Five events reach the client, the answer's first text among them, then the connection drops.
    failing.enqueue({ cutAfterEvents: 5 });
    const startedAt = Date.now();
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of await client.responses.create({ ...params(), stream: true }))
      events.push(event);
    const last = events.at(-1);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'error',
    ]);
    expect(last).toMatchObject({ type: 'error', code: 'upstream_error', param: null, sequence_number: 5 });
    expect(healthy.requests).toHaveLength(0);

    // The cut put A out of service for a while; back in service, it cuts the SDK's stream helper too, which
    // waits for the final response and fails without it.
    expect((await relay.server.services.health.state(failingId, 'openai')).kind).toBe('cooling');
    await relay.server.services.health.reset(failingId, 'openai');
    failing.enqueue({ cutAfterEvents: 5 });
    await expect(client.responses.stream(params()).finalResponse()).rejects.toThrow();

    expect(healthy.requests).toHaveLength(0);
    // Oldest first, as the upstream received them: each billed at the relay's estimate of what it sent.
    const entries = (await entriesSince(startedAt)).reverse();
    expect(entries).toHaveLength(2);
    entries.forEach((entry, index) => {
      expect(entry).toMatchObject({
        accountId: failingId,
        platform: 'openai',
        outcome: 'upstream_error',
        estimated: true,
        stream: true,
        usage: { input: estimatedInput(failing, index), cacheRead: 0 },
      });
      expect(entry.usage.output).toBeGreaterThan(0);
      expect(entry.costMicros).toBeGreaterThan(0);
    });
    expect(await leases()).toBe(0);
  });

  it('passes an error event the upstream sends after output through to the client and records it', async () => {
    failing.enqueue({
      errorEventAfterEvents: 6,
      errorType: 'server_is_overloaded',
      errorMessage: 'Our servers are currently overloaded.',
    });
    const startedAt = Date.now();
    const response = await postJson(`${relay.url}${URL_PATH}`, { ...params(), stream: true }, headers);
    expect(response.status).toBe(200);
    const frames = parseSseFrames(response.text);
    expect(frames.at(-1)?.event).toBe('error');
    expect(JSON.parse(frames.at(-1)?.data ?? '{}')).toEqual({
      type: 'error',
      sequence_number: 6,
      code: 'server_is_overloaded',
      message: 'Our servers are currently overloaded.',
      param: null,
    });
    // The upstream's event, once: the relay adds no error of its own after it.
    expect(frames.filter((frame) => frame.event === 'error')).toHaveLength(1);
    expect(healthy.requests).toHaveLength(0);
    expect(await entriesSince(startedAt)).toEqual([
      expect.objectContaining({
        accountId: failingId,
        outcome: 'upstream_error',
        errorCode: 'server_is_overloaded',
        estimated: true,
      }),
    ]);
  });

  it('does not fail over a request the upstream refused as invalid, and passes its message on', async () => {
    failing.enqueue({ status: 400, errorMessage: "Invalid value for 'input': bad item." });
    const error = await client.responses.create(params()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      message: "Invalid value for 'input': bad item.",
      type: 'invalid_request_error',
    });
    expect(healthy.requests).toHaveLength(0);
    expect((await relay.server.services.health.state(failingId, 'openai')).kind).toBe('active');
  });

  it('keeps the code and param of an upstream refusal, which OpenAI clients act on', async () => {
    // The openai SDK exposes them as error.code and error.param; Codex switches on the code (cyber_policy,
    // invalid_value on an image_url param, server_is_overloaded) to decide what to tell the user or to retry.
    const tooLong = {
      message: 'Your input exceeds the context window of this model. Please adjust your input and try again.',
      type: 'invalid_request_error',
      param: 'input',
      code: 'context_length_exceeded',
    };
    failing.enqueue({ status: 400, json: { error: tooLong } });
    const error = await client.responses.create(params()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject(tooLong);
    expect(healthy.requests).toHaveLength(0);
  });

  it('answers the last failure, in OpenAI’s shape with its retry-after, when every account failed', async () => {
    failing.enqueue({ status: 500 });
    healthy.enqueue({ ...RATE_LIMITED, errorMessage: 'Rate limit reached for requests' });
    const startedAt = Date.now();
    const response = await postJson(`${relay.url}${URL_PATH}`, params(), headers);
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('30');
    expect(JSON.parse(response.text)).toMatchObject({
      error: { message: 'Rate limit reached for requests', param: null },
    });
    expect((await entriesSince(startedAt)).map((entry) => entry.outcome).sort()).toEqual([
      'failed_over',
      'upstream_error',
    ]);
  });

  it('ends a stream the upstream stops feeding with a timeout error event', async () => {
    failing.enqueue({ stallAfterEvents: 6 });
    const startedAt = Date.now();
    const response = await postJson(`${relay.url}${URL_PATH}`, { ...params(), stream: true }, headers);
    const frames = parseSseFrames(response.text);
    expect(frames.at(-1)?.event).toBe('error');
    expect(JSON.parse(frames.at(-1)?.data ?? '{}')).toMatchObject({
      type: 'error',
      code: 'upstream_timeout',
      sequence_number: 6,
    });
    expect(await entriesSince(startedAt)).toEqual([
      expect.objectContaining({ outcome: 'upstream_error', errorCode: 'upstream_timeout', estimated: true }),
    ]);
    expect(await leases()).toBe(0);
  });

  it('lets the upstream go as soon as it answers when the client left before, billing the estimated input', async () => {
    // Responses carry their usage only at the end: once the client is gone nothing is worth reading for.
    failing.enqueue({ delayFirstByteMs: 300, eventDelayMs: 50 });
    const startedAt = Date.now();
    const stream = openStream(`${relay.url}${URL_PATH}`, { ...params(), stream: true }, headers);
    await failing.waitForRequests(1);
    stream.abort();
    expect(await stream.done).toBe('');
    await failing.waitForIdle();
    expect(failing.requests[0]?.aborted).toBe(true);
    // Cut off long before response.completed.
    expect(failing.requests[0]?.reportedUsage).toBeUndefined();
    expect(await entriesSince(startedAt)).toEqual([
      expect.objectContaining({
        outcome: 'client_aborted',
        estimated: true,
        usage: expect.objectContaining({ input: estimatedInput(failing), output: 0 }),
      }),
    ]);
    expect(healthy.requests).toHaveLength(0);
    expect(await leases()).toBe(0);
  });

  it('aborts the upstream when the client leaves mid-stream and records the request as client_aborted', async () => {
    failing.enqueue({ stallAfterEvents: 6 });
    const startedAt = Date.now();
    await postAndAbort(
      `${relay.url}${URL_PATH}`,
      { ...params(), stream: true },
      headers,
      'response.output_text.delta',
    );
    await failing.waitForIdle();
    expect(failing.requests[0]?.aborted).toBe(true);
    expect(await entriesSince(startedAt)).toEqual([
      expect.objectContaining({
        accountId: failingId,
        outcome: 'client_aborted',
        estimated: true,
        usage: expect.objectContaining({ input: estimatedInput(failing) }),
      }),
    ]);
    expect(await leases()).toBe(0);
    const { redis, keys } = relay.server.services.context;
    expect(await redis.zcard(keys.keyLeases(keyId))).toBe(0);
  });
});
