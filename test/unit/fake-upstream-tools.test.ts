// Fake upstream: tool calls and reasoning on Anthropic Messages and OpenAI Responses, proven with the official
// SDKs, and the `replay` scenario that sends recorded bytes as they are.
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  anthropicSseFrame,
  DEFAULT_TEXT,
  type FakeUpstream,
  parseSseFrames,
  startFakeUpstream,
  type ToolCall,
} from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';

const KEY = 'tools-test-key';
const WORDS = DEFAULT_TEXT.split(/\s+/).length;
const CALLS: ToolCall[] = [
  { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
  { id: 'call_rome', name: 'get_weather', arguments: '{"city":"Rome","unit":"celsius"}' },
];
const THOUGHT = '**Checking the weather**\n\nThe user wants Paris and Rome; I will call the tool twice.';
/** Standard base64 (not base64url), decoding back to the same text. */
const isBase64 = (value: unknown): boolean =>
  typeof value === 'string' &&
  /^[A-Za-z0-9+/]+={0,2}$/.test(value) &&
  Buffer.from(value, 'base64').toString('base64') === value;

let fake: FakeUpstream;

/** Every byte received, also when the server cuts the response short (`aborted`). */
function receive(
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ bytes: Buffer; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ bytes: Buffer.concat(chunks), aborted: false }));
      res.on('error', () => resolve({ bytes: Buffer.concat(chunks), aborted: true }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

beforeAll(async () => {
  fake = await startFakeUpstream({ apiKey: KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe('anthropic messages with tool_use and thinking', () => {
  const client = () => new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
  const params = {
    model: 'claude-haiku-4-5',
    max_tokens: 1024,
    messages: [{ role: 'user' as const, content: 'Weather in Paris and Rome?' }],
  };
  const post = (body: unknown) =>
    rawRequest(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers tool_use blocks only, with stop_reason tool_use', async () => {
    fake.enqueue({ toolCalls: CALLS, usage: { outputTokens: 40 } });
    const message = await client().messages.create(params);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_[A-Za-z0-9]+$/),
        name: 'get_weather',
        input: { city: 'Paris', unit: 'celsius' },
        caller: { type: 'direct' },
      },
      {
        type: 'tool_use',
        id: 'call_rome',
        name: 'get_weather',
        input: { city: 'Rome', unit: 'celsius' },
        caller: { type: 'direct' },
      },
    ]);
    expect(message.usage.output_tokens).toBe(40);
  });

  it('opens with a signed thinking block, then the text, then the calls', async () => {
    fake.enqueue({
      thoughtText: THOUGHT,
      text: 'Let me look that up.',
      toolCalls: CALLS.slice(0, 1),
      usage: { reasoningTokens: 30 },
    });
    const message = await client().messages.create(params);
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
    const [thinking, text] = message.content;
    expect(thinking).toEqual({ type: 'thinking', thinking: THOUGHT, signature: expect.any(String) });
    expect(isBase64(thinking?.type === 'thinking' ? thinking.signature : undefined)).toBe(true);
    expect(text).toEqual({ type: 'text', text: 'Let me look that up.' });
    // One output figure: the thinking tokens are inside it, on top of the words.
    expect(message.usage.output_tokens).toBe(5 + 30);
    expect(message.usage).not.toHaveProperty('output_tokens_details');
  });

  it('streams thinking, text and tool_use blocks the SDK assembles into the same message', async () => {
    const scenario = {
      thoughtText: THOUGHT,
      text: 'Let me look that up.',
      toolCalls: CALLS,
      chunks: 4,
      usage: { reasoningTokens: 30 },
    };
    fake.enqueue(scenario);
    const stream = client().messages.stream(params);
    const thinking: string[] = [];
    const signatures: string[] = [];
    const json: string[] = [];
    stream.on('thinking', (delta) => thinking.push(delta));
    stream.on('signature', (signature) => signatures.push(signature));
    stream.on('inputJson', (partial) => json.push(partial));
    const streamed = await stream.finalMessage();
    expect(thinking).toHaveLength(4);
    expect(thinking.join('')).toBe(THOUGHT);
    expect(signatures).toHaveLength(1);
    expect(isBase64(signatures[0])).toBe(true);
    expect(json).toHaveLength(8);
    expect(json.join('')).toBe(CALLS.map((call) => call.arguments).join(''));
    expect(streamed.stop_reason).toBe('tool_use');
    expect(streamed.usage.output_tokens).toBe(5 + 30);

    fake.enqueue(scenario);
    const whole = await client().messages.create(params);
    const withoutIds = (m: Anthropic.Message) =>
      m.content.map((block) => {
        if (block.type === 'thinking') return { ...block, signature: '' };
        if (block.type === 'tool_use' && block.id.startsWith('toolu_')) return { ...block, id: '' };
        return block;
      });
    expect(withoutIds(streamed)).toEqual(withoutIds(whole));
  });

  it('sends the event sequence of the API, the ping after the first block opens', async () => {
    fake.enqueue({ thoughtText: 'Plan.', toolCalls: CALLS.slice(1), chunks: 2 });
    const response = await post({ ...params, stream: true });
    expect(response.status).toBe(200);
    const events = parseSseFrames(response.body).map((frame) => {
      const data = JSON.parse(frame.data) as Record<string, unknown> & {
        delta?: { type?: string; stop_reason?: string };
        content_block?: { type?: string };
      };
      expect(data.type).toBe(frame.event);
      const detail = data.content_block?.type ?? data.delta?.type ?? data.delta?.stop_reason ?? data.index;
      return `${frame.event} ${detail ?? ''}`;
    });
    expect(events).toEqual([
      'message_start ',
      'content_block_start thinking',
      'ping ',
      'content_block_delta thinking_delta',
      'content_block_delta thinking_delta',
      'content_block_delta signature_delta',
      'content_block_stop 0',
      'content_block_start tool_use',
      'content_block_delta input_json_delta',
      'content_block_delta input_json_delta',
      'content_block_stop 1',
      'message_delta tool_use',
      'message_stop ',
    ]);
    const frames = parseSseFrames(response.body).map((frame) => JSON.parse(frame.data) as unknown);
    expect(frames[1]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    });
    expect(frames[7]).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: {
        type: 'tool_use',
        id: 'call_rome',
        name: 'get_weather',
        input: {},
        caller: { type: 'direct' },
      },
    });
    expect(frames[11]).toMatchObject({ delta: { stop_reason: 'tool_use', stop_sequence: null } });
  });

  it('stops at max_tokens even when the answer would call a tool', async () => {
    fake.enqueue({ toolCalls: CALLS, usage: { outputTokens: 100 } });
    const message = await client().messages.create({ ...params, max_tokens: 10 });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(10);
  });

  it('keeps the plain text answer as it was', async () => {
    const response = await post({ ...params, stream: true });
    const events = parseSseFrames(response.body).map((frame) => frame.event);
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const message = await client().messages.create(params);
    expect(message.content).toEqual([{ type: 'text', text: DEFAULT_TEXT }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBe(WORDS);
  });
});

describe('openai responses with function calls and a reasoning summary', () => {
  const client = () => new OpenAI({ apiKey: KEY, baseURL: `${fake.url}/v1`, maxRetries: 0 });
  const params = {
    model: 'o3',
    input: 'Weather in Paris and Rome?',
    reasoning: { summary: 'auto' as const },
  };

  it('answers function_call items after the reasoning item', async () => {
    fake.enqueue({
      toolCalls: CALLS,
      thoughtText: THOUGHT,
      usage: { outputTokens: 60, reasoningTokens: 40 },
    });
    const response = await client().responses.create(params);
    expect(response.output).toEqual([
      {
        id: expect.stringMatching(/^rs_/),
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: THOUGHT }],
      },
      {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        status: 'completed',
        arguments: CALLS[0]?.arguments,
        call_id: expect.stringMatching(/^call_/),
        name: 'get_weather',
      },
      {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        status: 'completed',
        arguments: CALLS[1]?.arguments,
        call_id: 'call_rome',
        name: 'get_weather',
      },
    ]);
    expect(response.output_text).toBe('');
    expect(response.status).toBe('completed');
    expect(response.reasoning).toEqual({ effort: 'medium', summary: 'auto' });
    expect(response.usage).toMatchObject({
      output_tokens: 60,
      output_tokens_details: { reasoning_tokens: 40 },
    });
  });

  it('puts the message before the calls when text is set', async () => {
    fake.enqueue({ toolCalls: CALLS.slice(0, 1), text: 'Checking.' });
    const response = await client().responses.create(params);
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(response.output_text).toBe('Checking.');
  });

  it('streams the reasoning summary and each call as the SDK expects, ending in the same output', async () => {
    fake.enqueue({ toolCalls: CALLS, thoughtText: THOUGHT, text: 'Checking.', chunks: 3 });
    const stream = client().responses.stream(params);
    const types: string[] = [];
    const summaryDeltas: string[] = [];
    const argumentSnapshots: string[] = [];
    stream.on('response.function_call_arguments.delta', (event) => argumentSnapshots.push(event.snapshot));
    let sequence = 0;
    for await (const event of stream) {
      expect(event.sequence_number).toBe(sequence++);
      types.push(event.type);
      if (event.type === 'response.reasoning_summary_text.delta') summaryDeltas.push(event.delta);
    }
    const final = await stream.finalResponse();
    // The SDK's snapshots grow piece by piece into each call's arguments.
    expect(argumentSnapshots).toHaveLength(6);
    expect(argumentSnapshots[2]).toBe(CALLS[0]?.arguments);
    expect(argumentSnapshots[5]).toBe(CALLS[1]?.arguments);
    expect(summaryDeltas).toHaveLength(3);
    expect(summaryDeltas.join('')).toBe(THOUGHT);
    const call = [
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
    ];
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      ...call,
      ...call,
      'response.completed',
    ]);
    expect(final.output.map((item) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
      'function_call',
    ]);
    expect(final.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: THOUGHT }] });
    expect(final.output_text).toBe('Checking.');
    const calls = final.output.filter((item) => item.type === 'function_call');
    expect(calls.map((item) => [item.call_id, item.arguments, item.status])).toEqual([
      [expect.stringMatching(/^call_/), CALLS[0]?.arguments, 'completed'],
      ['call_rome', CALLS[1]?.arguments, 'completed'],
    ]);
  });

  it('sends each delta event with the item id and output index of its item', async () => {
    fake.enqueue({ toolCalls: CALLS.slice(1), thoughtText: 'Plan.', chunks: 2 });
    const response = await rawRequest(`${fake.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...params, stream: true }),
    });
    const events = parseSseFrames(response.body).map(
      (frame) => JSON.parse(frame.data) as Record<string, unknown>,
    );
    const byType = (type: string) => events.filter((event) => event.type === type);
    const itemId = (event: Record<string, unknown> | undefined) =>
      (event?.item as { id?: string } | undefined)?.id;
    const [reasoningAdded, callAdded] = byType('response.output_item.added');
    expect(reasoningAdded).toEqual({
      type: 'response.output_item.added',
      sequence_number: 2,
      output_index: 0,
      item: { id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [] },
    });
    const reasoningId = itemId(reasoningAdded);
    expect(byType('response.reasoning_summary_part.added')).toEqual([
      {
        type: 'response.reasoning_summary_part.added',
        sequence_number: 3,
        item_id: reasoningId,
        output_index: 0,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      },
    ]);
    expect(byType('response.reasoning_summary_text.done')).toMatchObject([
      { item_id: reasoningId, output_index: 0, summary_index: 0, text: 'Plan.' },
    ]);
    expect(callAdded).toEqual({
      type: 'response.output_item.added',
      sequence_number: expect.any(Number),
      output_index: 1,
      item: {
        id: expect.stringMatching(/^fc_/),
        type: 'function_call',
        status: 'in_progress',
        arguments: '',
        call_id: 'call_rome',
        name: 'get_weather',
      },
    });
    const callId = itemId(callAdded);
    for (const delta of byType('response.function_call_arguments.delta')) {
      expect(Object.keys(delta)).toEqual(['type', 'sequence_number', 'item_id', 'output_index', 'delta']);
      expect(delta).toMatchObject({ item_id: callId, output_index: 1 });
    }
    expect(byType('response.function_call_arguments.done')).toMatchObject([
      { item_id: callId, output_index: 1, arguments: CALLS[1]?.arguments },
    ]);
    const completed = events.at(-1) as { type: string; response: { output: unknown[] } };
    expect(completed.type).toBe('response.completed');
    expect(completed.response.output).toHaveLength(2);
    expect(fake.requests[0]?.reportedUsage).toBeDefined();
  });

  it("answers function calls on Codex's backend path too", async () => {
    fake.enqueue({ toolCalls: CALLS.slice(0, 1), usage: { reasoningTokens: 8 } });
    const response = await rawRequest(`${fake.url}/backend-api/codex/responses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEY}`,
        'chatgpt-account-id': 'acct-1',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'gpt-5-codex',
        input: 'hi',
        stream: true,
        store: false,
        include: ['reasoning.encrypted_content'],
      }),
    });
    expect(response.status).toBe(200);
    const events = parseSseFrames(response.body).map(
      (frame) => JSON.parse(frame.data) as Record<string, unknown>,
    );
    const completed = events.at(-1) as { response: { output: Array<Record<string, unknown>> } };
    expect(completed.response.output.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
    expect(completed.response.output[0]).toMatchObject({
      encrypted_content: expect.any(String),
      summary: [],
    });
    expect(completed.response.output[1]).toMatchObject({
      name: 'get_weather',
      arguments: CALLS[0]?.arguments,
    });
  });
});

describe('replay', () => {
  // A short Anthropic stream, with a multi-byte character so byte pieces can split it.
  const RECORDED = Buffer.from(
    [
      anthropicSseFrame('message_start', {
        type: 'message_start',
        message: {
          model: 'claude-sonnet-4-5-20250929',
          id: 'msg_01Recorded',
          type: 'message',
          role: 'assistant',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: 12,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens: 1,
          },
        },
      }),
      anthropicSseFrame('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      anthropicSseFrame('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Bonjour à toi — ☀️' },
      }),
      anthropicSseFrame('content_block_stop', { type: 'content_block_stop', index: 0 }),
      anthropicSseFrame('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 6 },
      }),
      anthropicSseFrame('message_stop', { type: 'message_stop' }),
    ].join(''),
  );
  const ANTHROPIC_HEADERS = {
    'x-api-key': KEY,
    'anthropic-version': '2023-06-01',
    'content-type': 'application/json',
  };
  const anthropicPost = (body: unknown, key = KEY) =>
    rawRequest(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { ...ANTHROPIC_HEADERS, 'x-api-key': key },
      body: JSON.stringify(body),
    });
  const BODY = {
    model: 'claude-haiku-4-5',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  };

  it('sends the recorded bytes exactly, in pieces, with the route headers', async () => {
    fake.enqueue({ replay: RECORDED, chunks: 7, eventDelayMs: 5 });
    const response = await anthropicPost(BODY);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.headers['request-id']).toMatch(/^req_/);
    expect(response.bytes.equals(RECORDED)).toBe(true);
    expect(fake.requests[0]?.sentBody?.equals(RECORDED)).toBe(true);
    expect(fake.requests[0]?.completed).toBe(true);
    expect(fake.requests[0]?.reportedUsage).toBeUndefined();
  });

  it('is parsed by the SDK like a live stream', async () => {
    fake.enqueue({ replay: RECORDED, chunks: 13 });
    const client = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
    const message = await client.messages
      .stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    expect(message.id).toBe('msg_01Recorded');
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour à toi — ☀️' }]);
    expect(message.usage.output_tokens).toBe(6);
  });

  it('takes its content type from headers, works on any route, and gzips on request', async () => {
    const json = Buffer.from('{"recorded":true}');
    fake.enqueue({ replay: json, headers: { 'Content-Type': 'application/json' }, gzip: true });
    const response = await rawRequest(`${fake.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', input: 'hi' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(response.bytes).equals(json)).toBe(true);
    expect(fake.requests[0]?.sentBody?.equals(json)).toBe(true);
  });

  it('cuts after N pieces, and leaves refusals and error statuses alone', async () => {
    fake.enqueue({ replay: RECORDED, chunks: 4, cutAfterEvents: 2 });
    const cut = await receive(`${fake.url}/v1/messages`, ANTHROPIC_HEADERS, BODY);
    const half = RECORDED.subarray(0, Math.floor(RECORDED.length / 2));
    expect(cut).toEqual({ bytes: half, aborted: true });
    expect(fake.requests[0]?.sentBody?.equals(half)).toBe(true);

    fake.enqueue({ replay: RECORDED });
    const refused = await anthropicPost(BODY, 'wrong-key');
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });

    fake.enqueue({ replay: RECORDED, status: 529 });
    const overloaded = await anthropicPost(BODY);
    expect(overloaded.status).toBe(529);
    expect(JSON.parse(overloaded.body)).toMatchObject({ error: { type: 'overloaded_error' } });
  });
});
