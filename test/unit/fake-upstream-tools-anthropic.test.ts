// Fake upstream: tool_use blocks and signed thinking on Anthropic Messages, whole and streamed, proven with the
// official @anthropic-ai/sdk and against the API's event sequence.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TEXT,
  type FakeUpstream,
  parseSseFrames,
  startFakeUpstream,
} from '../support/fake-upstream/index.js';
import { CALLS, KEY, THOUGHT } from '../support/fake-upstream-tools.js';
import { rawRequest } from '../support/http.js';

const WORDS = DEFAULT_TEXT.split(/\s+/).length;
/** Standard base64 (not base64url), decoding back to the same text. */
const isBase64 = (value: unknown): boolean =>
  typeof value === 'string' &&
  /^[A-Za-z0-9+/]+={0,2}$/.test(value) &&
  Buffer.from(value, 'base64').toString('base64') === value;

let fake: FakeUpstream;

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
