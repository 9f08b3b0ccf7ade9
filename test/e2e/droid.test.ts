// Factory's Droid pool end to end: the Anthropic and openai SDKs through a running relay's /droid routes to droid
// accounts (Factory API keys) on the fake Factory gateway. Each format reaches Factory's endpoint for it with the
// headers Droid sends there (bearer key, `x-factory-client: cli`, `x-api-provider` by endpoint and model), the
// body unchanged; the ledger has the upstream's tokens, priced as the model's maker prices them. An account whose
// key Factory refuses (401) leaves the rotation and the request moves on; a key restricted to Droid serves the
// Droid CLI only.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import { lastEntry } from '../support/ledger.js';
import { createKey, startTestRelay, type TestRelay } from '../support/relay.js';
import { postJson } from '../support/sse-client.js';

const FACTORY_KEY = 'fk-factory-upstream-secret-0123456789';
const CLAUDE = 'claude-haiku-4-5';
const GPT = 'gpt-5-mini';
const GEMINI = 'gemini-2.5-flash';
const DROID_AGENT = 'factory-cli/0.89.0';
/** Anthropic's usage: input excludes the cache; both cache-write lifetimes reported apart. */
const CLAUDE_USAGE = {
  inputTokens: 120,
  outputTokens: 7,
  cacheReadTokens: 1000,
  cacheWrite5mTokens: 200,
  cacheWrite1hTokens: 300,
};
/** OpenAI's usage: cached tokens inside the input, reasoning inside the output. */
const OPENAI_USAGE = { inputTokens: 120, cacheReadTokens: 1000, outputTokens: 300, reasoningTokens: 240 };
const OPENAI_LEDGER = {
  input: 120,
  cacheRead: 1000,
  output: 300,
  reasoning: 240,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
};

describe('the Droid pool on Factory API keys', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: string;
  let keyId: string;
  let accountId: string;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: FACTORY_KEY });
    relay = await startTestRelay();
    const account = await relay.server.services.accounts.create({
      type: 'droid',
      name: 'factory',
      baseUrl: `${fake.url}/api/llm`,
      credentials: { apiKey: FACTORY_KEY },
    });
    accountId = account.id;
    const issued = await createKey(relay);
    key = issued.plaintext;
    keyId = issued.key.id;
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const anthropic = () => new Anthropic({ apiKey: key, baseURL: `${relay.url}/droid/claude`, maxRetries: 0 });
  const openai = (base: 'openai' | 'comm') =>
    new OpenAI({ apiKey: key, baseURL: `${relay.url}/droid/${base}/v1`, maxRetries: 0 });

  /** What Factory saw: Droid's headers, the account's key, never the relay key. */
  function expectFactoryCall(path: string, vendor: string) {
    const upstream = fake.requests[0];
    expect(upstream?.path).toBe(path);
    expect(upstream?.headers).toMatchObject({
      authorization: `Bearer ${FACTORY_KEY}`,
      'x-factory-client': 'cli',
      'x-api-provider': vendor,
      'user-agent': 'factory-cli/0.32.1',
    });
    expect(upstream?.headers['x-session-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(upstream?.headers)).not.toContain(key);
    return upstream;
  }

  /** The ledger entry is the droid pool's, with the upstream's tokens, priced at `family`'s catalog price. */
  async function expectEntry(model: string, family: 'claude' | 'openai' | 'gemini', stream: boolean) {
    const entry = await lastEntry(relay);
    const total = (entry?.usage.input ?? 0) + (entry?.usage.cacheRead ?? 0);
    const quote = relay.server.services.pricing.quote(family, model, total);
    expect(quote).toBeDefined();
    expect(entry).toMatchObject({
      keyId,
      accountId,
      platform: 'droid',
      model,
      outcome: 'ok',
      estimated: false,
      stream,
      status: 200,
      prices: quote?.prices,
    });
    expect(entry?.costMicros).toBeGreaterThan(0);
    return entry;
  }

  it('answers Anthropic messages at Factory’s /a endpoint and records the exact usage', async () => {
    fake.enqueue({ usage: CLAUDE_USAGE });
    const params = {
      model: CLAUDE,
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: 'Say hello' }],
    };
    const message = await anthropic().messages.create(params);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from the fake upstream.' }]);
    const upstream = expectFactoryCall('/api/llm/a/v1/messages', 'anthropic');
    // The SDK's own API version goes on; the relay sets one only for clients that send none (below).
    expect(upstream?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(upstream?.json).toEqual(params);
    const entry = await expectEntry(CLAUDE, 'claude', false);
    expect(entry?.usage).toMatchObject({
      input: 120,
      output: 7,
      cacheRead: 1000,
      cacheWrite5m: 200,
      cacheWrite1h: 300,
    });
  });

  it('streams Anthropic messages and records the usage of message_start and message_delta', async () => {
    fake.enqueue({ usage: CLAUDE_USAGE, chunks: 4, text: 'one two three four' });
    const stream = anthropic().messages.stream({
      model: CLAUDE,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Count' }],
    });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const final = await stream.finalMessage();
    expect(texts.join('')).toBe('one two three four');
    expect(final.usage).toMatchObject({ input_tokens: 120, output_tokens: 7 });
    expectFactoryCall('/api/llm/a/v1/messages', 'anthropic');
    const entry = await expectEntry(CLAUDE, 'claude', true);
    expect(entry?.usage).toMatchObject({ input: 120, output: 7, cacheRead: 1000 });
  });

  it('answers responses.create at Factory’s Responses endpoint, JSON and streamed', async () => {
    fake.enqueue({ usage: OPENAI_USAGE });
    const response = await openai('openai').responses.create({ model: GPT, input: 'Say hello' });
    expect(response.output_text).toBe('Hello from the fake upstream.');
    const upstream = expectFactoryCall('/api/llm/o/v1/responses', 'azure_openai');
    expect(upstream?.json).toEqual({ model: GPT, input: 'Say hello' });
    expect((await expectEntry(GPT, 'openai', false))?.usage).toEqual(OPENAI_LEDGER);

    fake.reset();
    fake.enqueue({ usage: OPENAI_USAGE, chunks: 3, text: 'one two three' });
    const stream = await openai('openai').responses.create({ model: GPT, input: 'Count', stream: true });
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(text).toBe('one two three');
    expect(completed?.usage?.output_tokens).toBe(300);
    expectFactoryCall('/api/llm/o/v1/responses', 'azure_openai');
    expect((await expectEntry(GPT, 'openai', true))?.usage).toEqual(OPENAI_LEDGER);
  });

  it('answers chat.completions.create at Factory’s chat endpoint, routed to the model’s vendor', async () => {
    fake.enqueue({ usage: OPENAI_USAGE });
    const messages = [{ role: 'user' as const, content: 'Say hello' }];
    const completion = await openai('comm').chat.completions.create({ model: GPT, messages });
    expect(completion.choices[0]?.message.content).toBe('Hello from the fake upstream.');
    expectFactoryCall('/api/llm/o/v1/chat/completions', 'azure_openai');
    expect((await expectEntry(GPT, 'openai', false))?.usage).toEqual(OPENAI_LEDGER);

    fake.reset();
    fake.enqueue({ usage: OPENAI_USAGE, chunks: 3, text: 'one two three' });
    const stream = await openai('comm').chat.completions.create({ model: GEMINI, messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three');
    // Factory routes a Gemini model to Google; the relay asked for the usage chunk the SDK did not.
    const upstream = expectFactoryCall('/api/llm/o/v1/chat/completions', 'google');
    expect(upstream?.json).toMatchObject({ model: GEMINI, stream_options: { include_usage: true } });
    expect((await expectEntry(GEMINI, 'gemini', true))?.usage).toMatchObject({ input: 120, output: 300 });
  });

  it('lists the models the pool resells under every Droid base, and answers HEAD probes', async () => {
    const listed = (await openai('comm').models.list()).data.map((model) => model.id);
    expect(listed).toEqual(expect.arrayContaining(['claude-sonnet-4-5', 'gpt-5', 'gpt-5-mini']));
    expect(listed).not.toContain('gpt-4o');
    const viaClaude = (await anthropic().models.list()).data.map((model) => model.id);
    expect(viaClaude).toEqual(listed);
    expect((await openai('openai').models.retrieve('gpt-5')).id).toBe('gpt-5');
    expect(fake.requests).toHaveLength(0);
    expect((await rawRequest(`${relay.url}/droid/claude`, { method: 'HEAD' })).status).toBe(200);
    // Paths no route claims answer in the shape of the clients under them.
    const unknown = (path: string) =>
      rawRequest(`${relay.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    const claudeMiss = await unknown('/droid/claude/v1/complete');
    expect(claudeMiss.status).toBe(404);
    expect(JSON.parse(claudeMiss.body)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const commMiss = await unknown('/droid/comm/v1/completions');
    expect(commMiss.status).toBe(404);
    expect(JSON.parse(commMiss.body)).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('passes the Droid CLI’s own user agent and session on, and a droid-only key serves only it', async () => {
    const droidOnly = await createKey(relay, { clients: ['droid'] });
    const sdk = new Anthropic({
      apiKey: droidOnly.plaintext,
      baseURL: `${relay.url}/droid/claude`,
      maxRetries: 0,
    });
    const refused = await sdk.messages
      .create({ model: CLAUDE, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(fake.requests).toHaveLength(0);

    const session = '7c1e2f4a-5b6d-4e8f-9a0b-1c2d3e4f5a6b';
    const answer = await postJson(
      `${relay.url}/droid/claude/v1/messages`,
      { model: CLAUDE, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
      {
        'x-api-key': droidOnly.plaintext,
        'user-agent': DROID_AGENT,
        'x-session-id': session,
        'x-factory-client': 'cli',
      },
    );
    expect(answer.status).toBe(200);
    expect(fake.requests[0]?.headers).toMatchObject({
      'user-agent': DROID_AGENT,
      'x-session-id': session,
      'anthropic-version': '2023-06-01',
      // Droid's Anthropic client sends one; the relay key it carried here stays here.
      'x-api-key': 'placeholder',
    });
  });
});

describe('the Droid pool when Factory refuses an account’s key', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let client: OpenAI;
  let revokedId: string;
  let healthyId: string;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: FACTORY_KEY });
    relay = await startTestRelay();
    const create = (name: string, apiKey: string, priority: number) =>
      relay.server.services.accounts.create({
        type: 'droid',
        name,
        priority,
        baseUrl: `${fake.url}/api/llm`,
        credentials: { apiKey },
      });
    // The revoked key has the better priority: every request tries it first while it is in service.
    revokedId = (await create('revoked', 'fk-revoked-key', 1)).id;
    healthyId = (await create('healthy', FACTORY_KEY, 2)).id;
    const issued = await createKey(relay);
    client = new OpenAI({ apiKey: issued.plaintext, baseURL: `${relay.url}/droid/comm/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });

  it('takes the account out of service on a 401 and answers from the next one', async () => {
    const messages = [{ role: 'user' as const, content: 'Say hello' }];
    const completion = await client.chat.completions.create({ model: GPT, messages });
    expect(completion.choices[0]?.message.content).toBe('Hello from the fake upstream.');
    expect(fake.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer fk-revoked-key',
      `Bearer ${FACTORY_KEY}`,
    ]);
    const { health } = relay.server.services;
    expect((await health.state(revokedId, 'droid')).kind).toBe('auth_failed');
    expect((await health.state(healthyId, 'droid')).kind).toBe('active');

    // Out of service, it is not tried again.
    fake.reset();
    await client.chat.completions.create({ model: GPT, messages });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${FACTORY_KEY}`);
  });
});
