// The Anthropic Messages translator encoding for an Anthropic client: canonical answers and streams rendered
// as Messages JSON and SSE, read back by the official @anthropic-ai/sdk from a loopback server.
import Anthropic from '@anthropic-ai/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { CanonicalResponse, StreamPart } from '../../src/relay/canonical/response.js';
import { usageOf } from '../../src/relay/canonical/usage.js';
import { anthropicTranslator } from '../../src/relay/translate/anthropic/translator.js';
import type { AnswerContext } from '../../src/relay/translate/translator.js';
import {
  body,
  canonical,
  decode,
  expected,
  userSays,
  WITH_BODY,
  wire,
} from '../support/translate/anthropic.js';
import { useSdkServer } from '../support/translate/sdk-server.js';

describe('canonical → Anthropic answers and streams, read by @anthropic-ai/sdk', () => {
  const sdk = useSdkServer();
  let client: Anthropic;

  beforeAll(() => {
    client = new Anthropic({ apiKey: 'test-key', baseURL: sdk.url, maxRetries: 0 });
  });

  const context: AnswerContext = {
    model: 'client-model',
    requestId: 'req_7f3a',
    clientQuery: '',
    created: 1_760_000_000,
    request: canonical({ messages: [userSays('hi')] }),
  };
  const params = {
    model: 'client-model',
    max_tokens: 1024,
    messages: [{ role: 'user' as const, content: 'hi' }],
  };

  function streamOf(parts: readonly StreamPart[][], finish: 'end' | 'none' = 'end'): string {
    const encoder = anthropicTranslator.encodeStream(context);
    return parts.map((batch) => encoder.write(batch)).join('') + (finish === 'end' ? encoder.end() : '');
  }

  function serveStream(text: string): void {
    sdk.reply({ contentType: anthropicTranslator.streamContentType(''), body: text });
  }

  it.each(WITH_BODY)('the %s answer, complete', async (scenario) => {
    const response = anthropicTranslator.toCanonicalResponse(body(scenario));
    sdk.reply({
      contentType: 'application/json',
      body: JSON.stringify(anthropicTranslator.fromCanonicalResponse(response, context)),
    });
    const message = await client.messages.create(params);
    const want = expected(scenario);
    expect(message.model).toBe('client-model');
    expect(message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('')).toBe(
      want.text,
    );
    expect(
      message.content.flatMap((block) => (block.type === 'thinking' ? [block.thinking] : [])).join(''),
    ).toBe(want.reasoning);
    expect(
      message.content.flatMap((block) =>
        block.type === 'tool_use' ? [{ name: block.name, input: block.input }] : [],
      ),
    ).toEqual(want.toolCalls.map((call) => ({ name: call.name, input: JSON.parse(call.arguments) })));
    expect(message.stop_reason).toBe(body(scenario).stop_reason);
    expect(message.usage).toMatchObject({
      input_tokens: want.usage.input,
      output_tokens: want.usage.output,
      cache_read_input_tokens: want.usage.cacheRead,
      cache_creation_input_tokens: want.usage.cacheWrite5m + want.usage.cacheWrite1h,
      cache_creation: {
        ephemeral_5m_input_tokens: want.usage.cacheWrite5m,
        ephemeral_1h_input_tokens: want.usage.cacheWrite1h,
      },
    });
  });

  it.each(WITH_BODY)('the %s stream, re-encoded', async (scenario) => {
    serveStream(streamOf([decode([wire(scenario)])]));
    const stream = client.messages.stream(params);
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    const want = expected(scenario);
    expect(deltas.join('')).toBe(want.text);
    expect(message.content.flatMap((block) => (block.type === 'thinking' ? [block.signature] : []))).toEqual(
      want.signature ? [want.signature] : [],
    );
    expect(
      message.content.flatMap((block) =>
        block.type === 'tool_use' ? [{ name: block.name, input: block.input }] : [],
      ),
    ).toEqual(want.toolCalls.map((call) => ({ name: call.name, input: JSON.parse(call.arguments) })));
    expect(message.stop_reason).toBe(body(scenario).stop_reason);
    expect(message.usage).toMatchObject({
      input_tokens: want.usage.input,
      output_tokens: want.usage.output,
      cache_read_input_tokens: want.usage.cacheRead,
      cache_creation_input_tokens: want.usage.cacheWrite5m + want.usage.cacheWrite1h,
    });
  });

  it('serialises interleaved parallel tool calls, with usage after the finish', async () => {
    const usage = usageOf({ inputNoCache: 40, cacheRead: 8, outputText: 25, outputReasoning: 5 }, undefined);
    serveStream(
      streamOf([
        [{ type: 'start', id: 'chatcmpl-9', model: 'gpt-x' }],
        [
          { type: 'reasoning-start', id: 'r' },
          { type: 'reasoning-delta', id: 'r', delta: 'two lookups' },
          { type: 'reasoning-end', id: 'r' },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Checking.' },
          { type: 'tool-call-start', id: 'call_a', name: 'get_weather' },
          { type: 'tool-call-start', id: 'fc:b/1', name: 'get_time' },
          { type: 'tool-call-delta', id: 'call_a', delta: '{"city":' },
          { type: 'tool-call-delta', id: 'fc:b/1', delta: '{"zone":"UTC"}' },
          { type: 'tool-call-delta', id: 'call_a', delta: '"Oslo"}' },
          { type: 'text-end', id: 't' },
          { type: 'tool-call-end', id: 'fc:b/1' },
          { type: 'tool-call-end', id: 'call_a' },
        ],
        [{ type: 'finish', reason: { unified: 'tool-calls', raw: 'tool_calls' } }],
        [{ type: 'usage', usage }],
      ]),
    );
    const message = await client.messages.stream(params).finalMessage();
    // Anthropic's clients know message ids by their prefix.
    expect(message.id).toBe('msg_chatcmpl-9');
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use', 'tool_use']);
    const calls = message.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
    expect(calls.map((call) => [call.name, call.input])).toEqual([
      ['get_weather', { city: 'Oslo' }],
      ['get_time', { zone: 'UTC' }],
    ]);
    expect(calls[0]?.id).toBe('call_a');
    expect(calls[1]?.id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 40, cache_read_input_tokens: 8, output_tokens: 30 });
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: 5 });
  });

  it('closes blocks still open when the stream ends', async () => {
    serveStream(
      streamOf([
        [
          { type: 'start', id: undefined, model: undefined },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'cut short' },
          { type: 'tool-call-start', id: 'c', name: 'f' },
          { type: 'tool-call-delta', id: 'c', delta: '{"a":1}' },
          { type: 'finish', reason: { unified: 'length', raw: 'MAX_TOKENS' } },
        ],
      ]),
    );
    const message = await client.messages.stream(params).finalMessage();
    expect(message.id).toBe('msg_req_7f3a');
    expect(message.content).toMatchObject([
      { type: 'text', text: 'cut short' },
      { type: 'tool_use', name: 'f', input: { a: 1 } },
    ]);
    expect(message.stop_reason).toBe('max_tokens');
  });

  it('passes an upstream error mid-stream on as the format’s error event, and writes nothing after it', async () => {
    const encoder = anthropicTranslator.encodeStream(context);
    const parts = decode([wire('mid-stream-error')]);
    const text = encoder.write(parts);
    expect(encoder.write([{ type: 'text-delta', id: 'text-0', delta: 'late' }])).toBe('');
    expect(encoder.end()).toBe('');
    serveStream(text);
    const stream = client.messages.stream(params);
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    await expect(stream.finalMessage()).rejects.toMatchObject({
      error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    expect(deltas.join('')).toBe(expected('mid-stream-error').text);
  });

  it('fails with the relay’s own error in Anthropic’s shape, at any point', async () => {
    const encoder = anthropicTranslator.encodeStream(context);
    const head = encoder.write([
      { type: 'start', id: 'msg_x', model: 'm' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'partial' },
    ]);
    const failure = encoder.fail(new AppError('upstream_error', 'The upstream stopped answering'));
    expect(encoder.fail(new AppError('internal', 'again'))).toBe('');
    expect(encoder.end()).toBe('');
    serveStream(head + failure);
    await expect(client.messages.stream(params).finalMessage()).rejects.toMatchObject({
      error: { type: 'error', error: { message: 'The upstream stopped answering' }, request_id: 'req_7f3a' },
    });
  });

  it('renders a complete answer from another format’s parts', async () => {
    const response: CanonicalResponse = {
      id: undefined,
      model: 'gemini-x',
      content: [
        { type: 'reasoning', text: 'thought' },
        { type: 'text', text: 'Answer.' },
        { type: 'tool-call', id: 'call/1', name: 'f', input: '{"x":[1,2]}' },
      ],
      usage: usageOf({ inputNoCache: 5, cacheWrite5m: 2, outputText: 7 }, undefined),
      finish: { unified: 'tool-calls', raw: 'STOP' },
    };
    sdk.reply({
      contentType: 'application/json',
      body: JSON.stringify(anthropicTranslator.fromCanonicalResponse(response, context)),
    });
    const message = await client.messages.create(params);
    expect(message.id).toBe('msg_req_7f3a');
    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'thought' },
      { type: 'text', text: 'Answer.' },
      { type: 'tool_use', name: 'f', input: { x: [1, 2] } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({
      input_tokens: 5,
      cache_creation_input_tokens: 2,
      output_tokens: 7,
    });
  });
});
