// The OpenAI Chat Completions format end to end: the openai SDK and raw HTTP through a running relay to an
// openai-api account on the fake upstream. Answers and streams pass through byte for byte (the relay only adds
// `stream_options.include_usage` upstream when the client left it out, and then hides the usage chunk it asked
// for); the ledger has the exact tokens and their cost.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream, type ToolCall } from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import { type LedgerUsage, lastEntry, openaiCost } from '../support/ledger.js';
import { createKey, createOpenAIAccount, startTestRelay, type TestRelay } from '../support/relay.js';
import { rawSseFrames } from '../support/sse-client.js';

const MODEL = 'gpt-5-mini';
const UPSTREAM_KEY = 'sk-openai-upstream-secret';
/** The openai SDK's base URL may be `<relay>/v1` or `<relay>/openai/v1`. */
const BASES = ['/v1', '/openai/v1'] as const;
const DONE = 'data: [DONE]\n\n';
/**
 * OpenAI counts cached tokens inside `prompt_tokens` and reasoning tokens inside `completion_tokens`: 1,120
 * prompt tokens (1,000 of them cached), 300 completion tokens (240 of them reasoning).
 */
const USAGE = { inputTokens: 120, cacheReadTokens: 1000, outputTokens: 300, reasoningTokens: 240 };
const LEDGER_USAGE: LedgerUsage = {
  input: 120,
  cacheRead: 1000,
  output: 300,
  reasoning: 240,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
};
const MESSAGES: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: 'developer', content: 'Answer briefly.' },
  { role: 'user', content: 'Say hello' },
];

/** The data of a chat stream frame, parsed; undefined for `[DONE]` and anything that is not JSON. */
function chunkOf(frame: string): { choices?: unknown[]; usage?: unknown } | undefined {
  const data = frame.replace(/^data: /, '').trim();
  if (data === '[DONE]') return undefined;
  try {
    return JSON.parse(data) as { choices?: unknown[]; usage?: unknown };
  } catch {
    return undefined;
  }
}

/** The chunk `stream_options.include_usage` adds: empty choices and the usage of the whole answer. */
function isUsageChunk(frame: string): boolean {
  const chunk = chunkOf(frame);
  return chunk?.usage !== undefined && chunk.usage !== null;
}

describe('the openai SDK on the Chat Completions API', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: string;
  let keyId: string;
  let accountId: string;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
    relay = await startTestRelay();
    accountId = (await createOpenAIAccount(relay, fake.url)).id;
    const issued = await createKey(relay);
    key = issued.plaintext;
    keyId = issued.key.id;
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const client = (base: string) => new OpenAI({ apiKey: key, baseURL: `${relay.url}${base}`, maxRetries: 0 });
  const post = (base: string, body: unknown) =>
    rawRequest(`${relay.url}${base}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** The relay's last entry has the exact usage the upstream reported, priced at the relay's quote. */
  const expectExactEntry = async (stream: boolean) => {
    const entry = await lastEntry(relay);
    const { prices, costMicros } = openaiCost(relay, MODEL, LEDGER_USAGE);
    expect(entry).toMatchObject({
      keyId,
      accountId,
      platform: 'openai',
      model: MODEL,
      usage: LEDGER_USAGE,
      costMicros,
      prices,
      outcome: 'ok',
      estimated: false,
      stream,
      status: 200,
    });
    return entry;
  };

  it.each(BASES)(
    'answers chat.completions.create under %s and records the exact tokens and cost',
    async (base) => {
      fake.enqueue({ usage: USAGE });
      const params = { model: MODEL, messages: MESSAGES, max_completion_tokens: 500 };
      const completion = await client(base).chat.completions.create(params);
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices[0]?.message.content).toBe('Hello from the fake upstream.');
      expect(completion.usage).toMatchObject({
        prompt_tokens: 1120,
        prompt_tokens_details: { cached_tokens: 1000 },
        completion_tokens: 300,
        completion_tokens_details: { reasoning_tokens: 240 },
      });

      const entry = await expectExactEntry(false);
      // gpt-5-mini: $0.25 in, $0.025 cached, $2 out per MTok: 30 + 25 + 600.
      expect(entry?.costMicros).toBe(655);
      expect(entry?.upstreamModel).toBe(MODEL);

      // The body goes upstream unchanged, to the account's base URL, with the account's key instead of the client's.
      const upstream = fake.requests[0];
      expect(upstream?.path).toBe('/v1/chat/completions');
      expect(upstream?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      expect(JSON.stringify(upstream?.headers)).not.toContain(key);
      expect(upstream?.json).toEqual(params);
    },
  );

  it.each(BASES)('streams with include_usage under %s byte for byte and records its usage', async (base) => {
    fake.enqueue({ usage: USAGE, chunks: 4, eventDelayMs: 5 });
    const body = {
      model: MODEL,
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    };
    const response = await post(base, body);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const upstream = fake.requests[0];
    expect(upstream?.json).toEqual(body);
    const sent = upstream?.sentBody ?? Buffer.alloc(0);
    expect(sent.length).toBeGreaterThan(0);
    expect(response.body).toBe(sent.toString());
    expect(response.bytes.equals(sent)).toBe(true);
    expect(response.body.endsWith(`}\n\n${DONE}`)).toBe(true);
    const entry = await expectExactEntry(true);
    expect(entry?.ttftMs).toBeGreaterThanOrEqual(0);
  });

  it('hands the SDK the usage chunk it asked for', async () => {
    fake.enqueue({ usage: USAGE });
    const stream = await client('/v1').chat.completions.create({
      model: MODEL,
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from the fake upstream.');
    expect(usage).toMatchObject({ prompt_tokens: 1120, completion_tokens: 300 });
    await expectExactEntry(true);
  });

  it.each(BASES)(
    'asks for usage under %s when the client did not, and keeps it from the client',
    async (base) => {
      fake.enqueue({ usage: USAGE, chunks: 3 });
      const body = { model: MODEL, messages: MESSAGES, stream: true };
      const response = await post(base, body);
      expect(response.status).toBe(200);

      // Upstream: the same body plus the one option that makes it report usage.
      const upstream = fake.requests[0];
      expect(upstream?.json).toEqual({ ...body, stream_options: { include_usage: true } });

      // Client: every frame the upstream sent, byte for byte, except the usage chunk; one [DONE], last.
      const sentFrames = rawSseFrames(upstream?.sentBody?.toString() ?? '');
      const expected = sentFrames.filter((frame) => !isUsageChunk(frame));
      expect(sentFrames.length - expected.length).toBe(1);
      const received = rawSseFrames(response.body);
      expect(received).toEqual(expected);
      expect(received.filter((frame) => frame === DONE)).toHaveLength(1);
      expect(received.at(-1)).toBe(DONE);
      for (const frame of received) {
        const chunk = chunkOf(frame);
        expect(chunk?.usage ?? null).toBeNull();
        if (chunk !== undefined) expect(chunk.choices).not.toEqual([]);
      }
      await expectExactEntry(true);
    },
  );

  it('gives the SDK no usage chunk when it asked for none, and still records the exact usage', async () => {
    fake.enqueue({ usage: USAGE });
    const stream = await client('/openai/v1').chat.completions.create({
      model: MODEL,
      messages: MESSAGES,
      stream: true,
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      expect(chunk.usage ?? null).toBeNull();
      expect(chunk.choices).toHaveLength(1);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Hello from the fake upstream.');
    expect(chunks).toBe(5);
    await expectExactEntry(true);
  });

  it('keeps the client’s other stream_options when it adds include_usage', async () => {
    fake.enqueue({ usage: USAGE });
    const body = {
      model: MODEL,
      messages: MESSAGES,
      stream: true,
      stream_options: { include_obfuscation: false },
    };
    const response = await post('/v1', body);
    expect(response.status).toBe(200);
    expect(fake.requests[0]?.json).toEqual({
      ...body,
      stream_options: { include_obfuscation: false, include_usage: true },
    });
    expect(rawSseFrames(response.body).some(isUsageChunk)).toBe(false);
    await expectExactEntry(true);
  });
});

describe('tools and structured output on the Chat Completions API', () => {
  const CALLS: ToolCall[] = [
    { id: 'call_paris', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
    { id: 'call_rome', name: 'get_weather', arguments: '{"city":"Rome","unit":"celsius"}' },
  ];
  const TOOLS: OpenAI.Chat.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather in a city.',
        strict: true,
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
          required: ['city', 'unit'],
          additionalProperties: false,
        },
      },
    },
    {
      type: 'function',
      function: {
        name: 'get_time',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    },
  ];
  const ASK: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'user', content: 'Weather in Paris and Rome, as JSON?' },
  ];
  const RESPONSE_FORMAT = {
    type: 'json_schema' as const,
    json_schema: {
      name: 'weather_report',
      strict: true,
      schema: {
        type: 'object',
        properties: { cities: { type: 'array', items: { type: 'string' } }, summary: { type: 'string' } },
        required: ['cities', 'summary'],
        additionalProperties: false,
      },
    },
  };
  const asked = (extra: Record<string, unknown> = {}) => ({
    model: MODEL,
    messages: ASK,
    tools: TOOLS,
    tool_choice: 'auto' as const,
    parallel_tool_calls: true,
    response_format: RESPONSE_FORMAT,
    ...extra,
  });
  const asFunctions = (calls: readonly ToolCall[]): OpenAI.Chat.ChatCompletionMessageFunctionToolCall[] =>
    calls.map((call) => ({
      id: call.id ?? '',
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));

  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: string;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
    relay = await startTestRelay();
    await createOpenAIAccount(relay, fake.url);
    key = (await createKey(relay)).plaintext;
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const client = () => new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });

  it('passes parallel tool calls and a json_schema response_format through, both ways', async () => {
    fake.enqueue({ toolCalls: CALLS, usage: { inputTokens: 400, outputTokens: 40 } });
    const completion = await client().chat.completions.create(asked());
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls).toEqual(asFunctions(CALLS));
    expect(fake.requests[0]?.json).toEqual(asked());

    // The next turn carries the calls and both results back; it reaches the upstream as sent.
    fake.enqueue({ text: '{"cities":["Paris","Rome"],"summary":"Mild."}' });
    const answer: OpenAI.Chat.ChatCompletionMessageParam[] = [
      ...ASK,
      { role: 'assistant', content: null, tool_calls: asFunctions(CALLS) },
      { role: 'tool', tool_call_id: 'call_paris', content: '{"temperature":18}' },
      { role: 'tool', tool_call_id: 'call_rome', content: '{"temperature":21}' },
    ];
    const final = await client().chat.completions.create(asked({ messages: answer }));
    expect(JSON.parse(final.choices[0]?.message.content ?? '')).toEqual({
      cities: ['Paris', 'Rome'],
      summary: 'Mild.',
    });
    expect(fake.requests[1]?.json).toEqual(asked({ messages: answer }));
    expect((await lastEntry(relay))?.outcome).toBe('ok');
  });

  it('streams parallel tool calls byte for byte, which the SDK assembles', async () => {
    fake.enqueue({ toolCalls: CALLS, chunks: 3, usage: { inputTokens: 400, outputTokens: 40 } });
    const body = asked({ stream: true, stream_options: { include_usage: true } });
    const response = await rawRequest(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(fake.requests[0]?.json).toEqual(body);
    expect(response.bytes.equals(fake.requests[0]?.sentBody ?? Buffer.alloc(0))).toBe(true);
    expect(response.body).toContain('"finish_reason":"tool_calls"');

    fake.enqueue({ toolCalls: CALLS, chunks: 3 });
    const final = await client().chat.completions.stream(asked()).finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    // (The helper adds `parsed_arguments` to the calls of strict tools.)
    expect(final.choices[0]?.message.tool_calls).toMatchObject(asFunctions(CALLS));
    expect(final.choices[0]?.message.tool_calls).toHaveLength(2);
    expect(fake.requests[1]?.json).toEqual({
      ...asked({ stream: true }),
      stream_options: { include_usage: true },
    });
    expect(await lastEntry(relay)).toMatchObject({ outcome: 'ok', estimated: false, stream: true });
  });
});
