// The Chat Completions translator encoding for a Chat client: canonical streams and complete answers rendered
// as chat.completion chunks and bodies, read back by the official openai SDK from a loopback server.
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import type { CanonicalResponse } from '../../src/relay/canonical/response.js';
import { usageOf } from '../../src/relay/canonical/usage.js';
import { chatTranslator } from '../../src/relay/translate/openai-chat/translator.js';
import type { AnswerContext } from '../../src/relay/translate/translator.js';
import { body, expected, type Ledger, WITH_BODY, wire } from '../support/translate/openai-chat.js';
import { useSdkServer } from '../support/translate/sdk-server.js';

describe('the encoder and the complete answer, read by the openai SDK', () => {
  const sdk = useSdkServer();
  let client: OpenAI;

  beforeAll(() => {
    client = new OpenAI({ apiKey: 'test-key', baseURL: `${sdk.url}/v1`, maxRetries: 0 });
  });

  const WEATHER = {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string' } },
        required: ['city', 'unit'],
        additionalProperties: false,
      },
      strict: true,
    },
  };

  function context(includeUsage: boolean): AnswerContext {
    const request = chatTranslator.toCanonicalRequest(
      {
        model: 'relay-model',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      },
      'relay-model',
      true,
    );
    return { model: 'relay-model', requestId: 'req_123', clientQuery: '', created: 1_770_000_000, request };
  }

  function serveStream(text: string): void {
    sdk.reply({ contentType: chatTranslator.streamContentType(''), body: text });
  }

  const params = (includeUsage: boolean) => ({
    model: 'relay-model',
    messages: [{ role: 'user' as const, content: 'Hi' }],
    tools: [WEATHER],
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });

  it('streams an upstream stream through decoder and encoder: text, stop reason and usage', async () => {
    const encoder = chatTranslator.encodeStream(context(true));
    const decoder = chatTranslator.decodeStream();
    const bytes = wire('text');
    let text = '';
    for (let at = 0; at < bytes.length; at += 97)
      text += encoder.write(decoder.push(bytes.subarray(at, at + 97)));
    serveStream(text + encoder.write(decoder.end()) + encoder.end());
    const stream = client.chat.completions.stream(params(true));
    const deltas: string[] = [];
    stream.on('content.delta', ({ delta }) => deltas.push(delta));
    const completion = await stream.finalChatCompletion();
    expect(deltas.length).toBeGreaterThan(10);
    expect(completion.id).toBe('chatcmpl-DA1tq7Kx2mWc9Hn4oYbE5sLrVfZ8p');
    expect(completion.model).toBe('relay-model');
    expect(completion.choices[0]?.message.content).toBe(expected('text').text);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 24,
      completion_tokens: 28,
      total_tokens: 52,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('streams reasoning, text and two interleaved tool calls, usage before the finish', async () => {
    const encoder = chatTranslator.encodeStream(context(true));
    const usage = usageOf(
      { inputNoCache: 40, cacheRead: 60, outputText: 30, outputReasoning: 12 },
      undefined,
    );
    const text = encoder.write([
      { type: 'start', id: undefined, model: 'claude-sonnet-4-5' },
      { type: 'reasoning-start', id: 'r' },
      { type: 'reasoning-delta', id: 'r', delta: 'Two cities.' },
      { type: 'reasoning-end', id: 'r', signature: 'sig' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Checking both.' },
      { type: 'text-end', id: 't' },
      { type: 'tool-call-start', id: 'toolu_a', name: 'get_weather' },
      { type: 'tool-call-start', id: 'toolu_b', name: 'get_weather' },
      { type: 'tool-call-delta', id: 'toolu_a', delta: '{"city":' },
      { type: 'tool-call-delta', id: 'toolu_b', delta: '{"city":"Lima",' },
      { type: 'tool-call-delta', id: 'toolu_a', delta: '"Quito","unit":"c"}' },
      { type: 'tool-call-delta', id: 'toolu_b', delta: '"unit":"c"}' },
      { type: 'tool-call-end', id: 'toolu_a' },
      { type: 'tool-call-end', id: 'toolu_b' },
      { type: 'usage', usage },
      // Gemini ends a turn with tool calls as a plain stop; Chat clients run tools on `tool_calls` only.
      { type: 'finish', reason: { unified: 'stop', raw: 'STOP' } },
    ]);
    serveStream(text + encoder.end());
    const stream = client.chat.completions.stream(params(true));
    const done: unknown[] = [];
    stream.on('tool_calls.function.arguments.done', (event) => done.push(event.parsed_arguments));
    const completion = await stream.finalChatCompletion();
    const message = completion.choices[0]?.message;
    expect(completion.id).toBe('chatcmpl-req_123');
    expect(message?.content).toBe('Checking both.');
    expect((message as unknown as { reasoning_content?: string }).reasoning_content).toBeDefined();
    expect(
      message?.tool_calls?.map((call) => call.type === 'function' && [call.id, call.function.name]),
    ).toEqual([
      ['toolu_a', 'get_weather'],
      ['toolu_b', 'get_weather'],
    ]);
    expect(done).toEqual([
      { city: 'Quito', unit: 'c' },
      { city: 'Lima', unit: 'c' },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 42,
      prompt_tokens_details: { cached_tokens: 60 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
  });

  it('sends the usage chunk only to a client that asked for it', async () => {
    const encoder = chatTranslator.encodeStream(context(false));
    const usage = usageOf({ inputNoCache: 5, outputText: 2 }, undefined);
    const text =
      encoder.write([
        { type: 'start', id: 'up-1', model: undefined },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Hi.' },
        { type: 'text-end', id: 't' },
        { type: 'finish', reason: { unified: 'stop', raw: 'end_turn' } },
        { type: 'usage', usage },
      ]) + encoder.end();
    expect(text).not.toContain('"choices":[]');
    expect(text).not.toContain('"usage"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    serveStream(text);
    const completion = await client.chat.completions.stream(params(false)).finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe('Hi.');
    expect(completion.usage).toBeUndefined();
  });

  it('ends with the upstream’s error as an error chunk, which the SDK raises, and writes nothing after', async () => {
    const encoder = chatTranslator.encodeStream(context(true));
    const decoder = chatTranslator.decodeStream();
    const text = encoder.write(decoder.push(wire('mid-stream-error'))) + encoder.write(decoder.end());
    expect(encoder.end()).toBe('');
    expect(text).not.toContain('[DONE]');
    serveStream(text);
    const deltas: string[] = [];
    const stream = client.chat.completions.stream(params(true));
    stream.on('content.delta', ({ delta }) => deltas.push(delta));
    await expect(stream.finalChatCompletion()).rejects.toMatchObject({
      error: { type: 'server_error', message: expected('mid-stream-error').error?.message },
    });
    expect(deltas.join('')).toBe(expected('mid-stream-error').text);
  });

  it('fails with the relay’s own error in OpenAI’s shape, closing the stream', async () => {
    const encoder = chatTranslator.encodeStream(context(false));
    let text = encoder.write([
      { type: 'start', id: undefined, model: undefined },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Partial' },
    ]);
    text += encoder.fail(new AppError('upstream_timeout', 'The upstream stopped answering'));
    expect(encoder.write([{ type: 'text-delta', id: 't', delta: 'late' }])).toBe('');
    expect(encoder.fail(new AppError('internal', 'again'))).toBe('');
    expect(encoder.end()).toBe('');
    serveStream(text);
    await expect(client.chat.completions.stream(params(false)).finalChatCompletion()).rejects.toMatchObject({
      message: expect.stringContaining('The upstream stopped answering'),
      code: 'upstream_timeout',
    });
  });

  it('closes a stream whose blocks are still open with [DONE], every chunk readable', async () => {
    const encoder = chatTranslator.encodeStream(context(false));
    const text =
      encoder.write([
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Cut ' },
        { type: 'tool-call-start', id: 'c', name: 'get_weather' },
        { type: 'tool-call-delta', id: 'c', delta: '{"ci' },
      ]) + encoder.end();
    serveStream(text);
    const stream = await client.chat.completions.create({ ...params(false), stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: 'assistant', content: 'Cut ' });
    expect(chunks[1]?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({ index: 0, id: 'c' });
  });

  it.each(WITH_BODY)('renders the %s answer as a chat.completion the SDK reads', async (scenario) => {
    const response: CanonicalResponse = chatTranslator.toCanonicalResponse(body(scenario));
    sdk.reply({
      contentType: 'application/json',
      body: JSON.stringify(chatTranslator.fromCanonicalResponse(response, context(false))),
    });
    const completion = await client.chat.completions.create({ ...params(false), stream: false });
    const want = expected(scenario);
    const message = completion.choices[0]?.message;
    expect(completion.model).toBe('relay-model');
    expect(completion.created).toBe(1_770_000_000);
    if (scenario === 'refusal') expect(message?.refusal).toBe(want.text);
    else expect(message?.content ?? '').toBe(want.text);
    expect(
      (message?.tool_calls ?? []).map((call) =>
        call.type === 'function' ? { name: call.function.name, arguments: call.function.arguments } : {},
      ),
    ).toEqual(want.toolCalls);
    expect(completion.choices[0]?.finish_reason).toBe(
      { stop: 'stop', 'tool-calls': 'tool_calls', 'content-filter': 'content_filter' }[want.finish ?? 'stop'],
    );
    const usage = want.usage as Ledger;
    expect(completion.usage).toMatchObject({
      prompt_tokens: usage.input + usage.cacheRead,
      completion_tokens: usage.output,
      prompt_tokens_details: { cached_tokens: usage.cacheRead },
      completion_tokens_details: { reasoning_tokens: usage.reasoning },
    });
    expect(sdk.requests.at(-1)?.body).toMatchObject({ model: 'relay-model', stream: false });
  });
});
