// Fake upstream: the official Anthropic, OpenAI and Google GenAI SDKs parse its answers.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEXT, type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';

const KEY = 'sdk-test-key';
const WORDS = DEFAULT_TEXT.split(/\s+/).length;
let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream({ apiKey: KEY });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

describe('@anthropic-ai/sdk', () => {
  const client = () => new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
  const params = {
    model: 'claude-haiku-4-5',
    max_tokens: 32,
    messages: [{ role: 'user' as const, content: 'Hello' }],
  };

  it('creates a message', async () => {
    fake.enqueue({ usage: { cacheReadTokens: 2, cacheWrite1hTokens: 3 } });
    const message = await client().messages.create(params);
    expect(message.content).toEqual([{ type: 'text', text: DEFAULT_TEXT }]);
    expect(message.usage.cache_creation_input_tokens).toBe(3);
    expect(message.usage.cache_read_input_tokens).toBe(2);
    expect(message.usage.output_tokens).toBe(WORDS);
    expect(fake.requests[0]?.path).toBe('/v1/messages');
  });

  it('streams a message', async () => {
    fake.enqueue({ text: 'streamed via the sdk', chunks: 4 });
    const stream = client().messages.stream(params);
    const deltas: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    const message = await stream.finalMessage();
    expect(deltas).toHaveLength(4);
    expect(message.content).toEqual([{ type: 'text', text: 'streamed via the sdk' }]);
    expect(message.usage.output_tokens).toBe(4);
    expect(message.stop_reason).toBe('end_turn');
    expect(fake.requests[0]?.json).toMatchObject({ stream: true });
  });

  it('surfaces an in-stream error', async () => {
    fake.enqueue({ errorEventAfterEvents: 4 });
    await expect(client().messages.stream(params).finalMessage()).rejects.toThrow(/Overloaded/);
  });

  it('counts tokens and lists models', async () => {
    const count = await client().messages.countTokens({ model: params.model, messages: params.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
    const ids: string[] = [];
    for await (const model of client().models.list()) ids.push(model.id);
    expect(ids).toContain('claude-sonnet-4-5-20250929');
  });

  it('raises typed errors', async () => {
    fake.enqueue({ status: 529 });
    await expect(client().messages.create(params)).rejects.toMatchObject({
      status: 529,
      error: { type: 'error', error: { type: 'overloaded_error' } },
    });
  });
});

describe('openai', () => {
  const client = () => new OpenAI({ apiKey: KEY, baseURL: `${fake.url}/v1`, maxRetries: 0 });

  it('creates a chat completion', async () => {
    const completion = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe(DEFAULT_TEXT);
    expect(completion.usage?.completion_tokens).toBe(WORDS);
  });

  it('streams a chat completion with usage', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(DEFAULT_TEXT);
    expect(usage?.completion_tokens).toBe(WORDS);
  });

  it('creates and streams a response', async () => {
    const response = await client().responses.create({ model: 'gpt-4o', input: 'hi' });
    expect(response.output_text).toBe(DEFAULT_TEXT);
    expect(response.usage?.output_tokens).toBe(WORDS);
    const stream = await client().responses.create({ model: 'gpt-4o', input: 'hi', stream: true });
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(text).toBe(DEFAULT_TEXT);
    expect(completed?.usage?.total_tokens).toBeGreaterThan(WORDS);
  });

  it('raises typed errors from an in-stream error', async () => {
    fake.enqueue({ errorEventAfterEvents: 2 });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })(),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
  });
});

describe('@google/genai', () => {
  const client = () => new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: fake.url } });

  it('generates content', async () => {
    const response = await client().models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(response.text).toBe(DEFAULT_TEXT);
    expect(response.usageMetadata?.candidatesTokenCount).toBe(WORDS);
    expect(fake.requests[0]?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
  });

  it('streams content', async () => {
    let text = '';
    let finish: string | undefined;
    const stream = await client().models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hi' });
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(text).toBe(DEFAULT_TEXT);
    expect(finish).toBe('STOP');
    expect(fake.requests[0]?.query.get('alt')).toBe('sse');
  });

  it('counts tokens', async () => {
    const count = await client().models.countTokens({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(count.totalTokens).toBeGreaterThan(0);
  });
});
