// Translation's refusals and faults, each in the client's own format: a feature the accounts' format cannot
// express is a 400 naming it (before any upstream call, and nothing billed); an image larger than the target
// takes is a 400; an upstream's error answer reaches the client with its status and the client format's type.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import { entriesSince } from '../support/ledger.js';
import {
  createClaudeAccount,
  createGeminiAccount,
  createKey,
  startTestRelay,
  type TestRelay,
} from '../support/relay.js';

describe('translation faults', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: string;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay();
    await createClaudeAccount(relay, fake.url);
    await createGeminiAccount(relay, fake.url);
    key = (await createKey(relay)).plaintext;
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    rawRequest(`${relay.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('refuses a Chat request asking for log probabilities from Claude accounts, naming them, before any call', async () => {
    const since = Date.now();
    const response = await post('/v1/chat/completions', {
      model: 'claude-sonnet-4-5',
      logprobs: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.status).toBe(400);
    const body = JSON.parse(response.body) as { error: { type: string; message: string; details?: unknown } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('logprobs');
    expect(body.error.message).toContain('cannot be translated');
    expect(fake.requests).toHaveLength(0);
    expect(await entriesSince(relay, since)).toHaveLength(0);
  });

  it('refuses an Anthropic request with a server tool Gemini has no equivalent of, in Anthropic’s shape', async () => {
    const response = await post(
      '/v1/messages',
      {
        model: 'gemini-2.5-flash',
        max_tokens: 100,
        tools: [{ type: 'code_execution_20250522', name: 'code_execution' }],
        messages: [{ role: 'user', content: 'run it' }],
      },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(response.status).toBe(400);
    const body = JSON.parse(response.body) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('code_execution');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses what only the target cannot express (top_k for an OpenAI-format account is fine for Gemini)', async () => {
    // Gemini takes top_k: the same request is served there.
    const served = await post(
      '/v1/messages',
      { model: 'gemini-2.5-flash', max_tokens: 50, top_k: 5, messages: [{ role: 'user', content: 'hi' }] },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(served.status).toBe(200);
    expect(fake.requests[0]?.json).toMatchObject({ generationConfig: { topK: 5 } });
  });

  it('refuses an image larger than Claude takes, sent by a Chat client, as a 400 naming the image', async () => {
    // 6 MB of image bytes: within OpenAI's limits, over Anthropic's 5 MB per image.
    const png = Buffer.alloc(6 * 1024 * 1024);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const response = await post('/v1/chat/completions', {
      model: 'claude-sonnet-4-5',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } },
          ],
        },
      ],
    });
    expect(response.status).toBe(400);
    const body = JSON.parse(response.body) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/image/i);
    expect(fake.requests).toHaveLength(0);
  });

  it("passes a Gemini quota refusal to an Anthropic client as a 429 rate_limit_error, in Anthropic's shape", async () => {
    fake.enqueue({
      status: 429,
      errorType: 'RESOURCE_EXHAUSTED',
      errorMessage: 'Quota exceeded for this model',
    });
    const client = new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 });
    const error = await client.messages
      .create({ model: 'gemini-2.5-flash', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const { error: inner } = (error as InstanceType<typeof Anthropic.RateLimitError>).error as {
      error: { type: string; message: string };
    };
    expect(inner.type).toBe('rate_limit_error');
    expect(inner.message).toContain('Quota exceeded');
  });

  it("passes a Claude invalid-request answer to a Chat client as a 400 in OpenAI's shape", async () => {
    fake.enqueue({
      status: 400,
      errorType: 'invalid_request_error',
      errorMessage: 'prompt is too long: 300000 tokens',
    });
    const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(bad.type).toBe('invalid_request_error');
    expect(bad.message).toContain('prompt is too long');
  });

  it('ends a Chat stream from Claude that errs mid-way with the Chat stream error the SDK throws', async () => {
    fake.enqueue({ errorEventAfterEvents: 3 });
    const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const read = async () => {
      for await (const _chunk of stream) {
        // reading until the error
      }
    };
    await expect(read()).rejects.toThrow(/Overloaded/);
  });
});
