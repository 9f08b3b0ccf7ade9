// The OpenAI Responses format end to end: the openai SDK and a replayed Codex CLI request through a running relay
// to openai-api and openai-oauth accounts on the fake upstream, with exact usage and cost in the ledger.
import { gunzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CODEX_MODEL, CODEX_SESSION_ID, codexRequest } from '../fixtures/openai-responses/codex-request.js';
import { type FakeUpstream, parseSseFrames, startFakeUpstream } from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import { openaiCost } from '../support/ledger.js';
import {
  createChatGPTAccount,
  createKey,
  createOpenAIAccount,
  settled,
  startTestRelay,
  type TestRelay,
} from '../support/relay.js';

const MODEL = 'gpt-5-mini';
const UPSTREAM_KEY = 'sk-openai-upstream-secret';
/**
 * OpenAI counts cached tokens inside the input and reasoning tokens inside the output: 1,120 in (1,000 of them
 * cached), 300 out (240 of them reasoning).
 */
const USAGE = { inputTokens: 120, cacheReadTokens: 1000, outputTokens: 300, reasoningTokens: 240 };
const LEDGER_USAGE = {
  input: 120,
  cacheRead: 1000,
  output: 300,
  reasoning: 240,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
};

/** The relay's last ledger entry, once every settle is written. */
async function lastEntry(relay: TestRelay) {
  await settled(relay);
  const [entry] = await relay.server.services.requestLog.recent(1);
  return entry;
}

describe('the openai SDK on the Responses API', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let client: OpenAI;
  let keyId: string;
  let accountId: string;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
    relay = await startTestRelay();
    accountId = (await createOpenAIAccount(relay, fake.url)).id;
    const issued = await createKey(relay);
    keyId = issued.key.id;
    client = new OpenAI({ apiKey: issued.plaintext, baseURL: `${relay.url}/openai/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('answers responses.create and records the exact tokens, reasoning included, and their cost', async () => {
    fake.enqueue({ usage: USAGE });
    const response = await client.responses.create({ model: MODEL, input: 'Say hello' });
    expect(response.output_text).toBe('Hello from the fake upstream.');
    expect(response.usage).toMatchObject({
      input_tokens: 1120,
      input_tokens_details: { cached_tokens: 1000 },
      output_tokens: 300,
      output_tokens_details: { reasoning_tokens: 240 },
    });

    const entry = await lastEntry(relay);
    const { prices, costMicros } = openaiCost(relay, MODEL, LEDGER_USAGE);
    // gpt-5-mini: $0.25 in, $0.025 cached, $2 out per MTok: 30 + 25 + 600.
    expect(costMicros).toBe(655);
    expect(entry).toMatchObject({
      keyId,
      accountId,
      platform: 'openai',
      model: MODEL,
      upstreamModel: MODEL,
      usage: LEDGER_USAGE,
      costMicros,
      prices,
      outcome: 'ok',
      estimated: false,
      stream: false,
      status: 200,
    });
    expect(entry?.priceVersion).toMatch(/^genai-prices:gpt-5-mini/);

    // The relay key stays here; the account's key goes upstream, to the Responses endpoint under its base URL.
    const upstream = fake.requests[0];
    expect(upstream?.path).toBe('/v1/responses');
    expect(upstream?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(upstream?.json).toEqual({ model: MODEL, input: 'Say hello' });

    const day = new Date().toISOString().slice(0, 10);
    const byKey = await relay.server.services.usage.summary('key', keyId, day, day);
    expect(byKey.totals).toMatchObject({
      requests: 1,
      inputTokens: 120,
      cacheReadTokens: 1000,
      outputTokens: 300,
      costMicros,
    });
  });

  it('streams typed events to response.completed and records the usage it carried', async () => {
    fake.enqueue({ usage: USAGE, chunks: 4, text: 'one two three four five' });
    const stream = await client.responses.create({ model: MODEL, input: 'Count', stream: true });
    const types: string[] = [];
    const sequence: number[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(text).toBe('one two three four five');
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    // The reasoning item comes first, as a reasoning model sends it.
    expect(types.filter((type) => type === 'response.output_item.added')).toHaveLength(2);
    expect(sequence).toEqual(sequence.map((_, index) => index));
    expect(completed?.usage?.output_tokens_details.reasoning_tokens).toBe(240);

    const entry = await lastEntry(relay);
    expect(entry).toMatchObject({
      platform: 'openai',
      usage: LEDGER_USAGE,
      costMicros: openaiCost(relay, MODEL, LEDGER_USAGE).costMicros,
      outcome: 'ok',
      estimated: false,
      stream: true,
    });
    expect(entry?.ttftMs).toBeGreaterThanOrEqual(0);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('passes a gzip answer through to a client that accepts it and decodes it for one that does not', async () => {
    fake.enqueue({ gzip: true, usage: { inputTokens: 11 } }, { gzip: true, usage: { inputTokens: 12 } });
    const key = (await createKey(relay)).plaintext;
    const request = (acceptEncoding: string) =>
      rawRequest(`${relay.url}/openai/v1/responses`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'accept-encoding': acceptEncoding,
        },
        body: JSON.stringify({ model: MODEL, input: 'hi' }),
      });
    const accepting = await request('gzip');
    expect(accepting.status).toBe(200);
    expect(accepting.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(accepting.bytes).toString()).object).toBe('response');
    expect(fake.requests[0]?.headers['accept-encoding']).toBe('gzip');
    expect((await lastEntry(relay))?.usage.input).toBe(11);

    const plain = await request('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body).object).toBe('response');
    expect((await lastEntry(relay))?.usage.input).toBe(12);
  });
});

describe('a recorded Codex CLI request replayed through the relay', () => {
  let first: FakeUpstream;
  let second: FakeUpstream;
  let relay: TestRelay;
  let key: string;
  let accountIds: Record<string, string>;

  beforeAll(async () => {
    first = await startFakeUpstream({ apiKey: 'sk-openai-first' });
    second = await startFakeUpstream({ apiKey: 'sk-openai-second' });
    relay = await startTestRelay();
    accountIds = {
      first: (
        await createOpenAIAccount(relay, first.url, {
          name: 'first',
          credentials: { apiKey: 'sk-openai-first' },
        })
      ).id,
      second: (
        await createOpenAIAccount(relay, second.url, {
          name: 'second',
          credentials: { apiKey: 'sk-openai-second' },
        })
      ).id,
    };
    key = (await createKey(relay)).plaintext;
  });
  afterAll(async () => {
    await relay.stop();
    await first.close();
    await second.close();
  });
  beforeEach(() => {
    first.reset();
    second.reset();
  });

  const replay = (request: ReturnType<typeof codexRequest>) =>
    rawRequest(`${relay.url}${request.path}`, {
      method: 'POST',
      headers: request.headers,
      body: request.bytes,
    });
  const upstreamRequests = () => [...first.requests, ...second.requests];

  it('reaches the upstream byte for byte, with the account key instead of the client key', async () => {
    // Whichever account serves it reports the same usage.
    const reported = { inputTokens: 2000, cacheReadTokens: 8000, outputTokens: 90, reasoningTokens: 64 };
    first.setDefault({ usage: reported });
    second.setDefault({ usage: reported });
    const request = codexRequest(key);
    const response = await replay(request);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const frames = parseSseFrames(response.body);
    expect(frames.at(-1)?.event).toBe('response.completed');

    // The pooled account's rate limits are the relay's business, not the client's.
    expect(Object.keys(response.headers).filter((name) => name.startsWith('x-ratelimit-'))).toEqual([]);

    const [upstream] = upstreamRequests();
    expect(upstream?.path).toBe('/v1/responses');
    expect(upstream?.body.equals(request.bytes)).toBe(true);
    const sent = upstream?.json as Record<string, unknown> & {
      input: Array<{ role?: string }>;
      tools: unknown[];
    };
    expect(sent).not.toHaveProperty('instructions');
    expect(sent.input[0]?.role).toBe('developer');
    expect(sent.tools).toContainEqual(expect.objectContaining({ type: 'namespace' }));
    expect(sent.store).toBe(false);
    expect(sent.include).toEqual(['reasoning.encrypted_content']);
    expect(sent.prompt_cache_key).toBe(CODEX_SESSION_ID);

    // Codex's identity and conversation headers go along; its relay key does not.
    const apiKey = upstream === first.requests[0] ? 'sk-openai-first' : 'sk-openai-second';
    expect(upstream?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(JSON.stringify(upstream?.headers)).not.toContain(key);
    expect(upstream?.headers).toMatchObject({
      'session-id': CODEX_SESSION_ID,
      'thread-id': CODEX_SESSION_ID,
      'x-client-request-id': CODEX_SESSION_ID,
      originator: 'codex_exec',
      'user-agent': request.headers['user-agent'],
      'x-codex-turn-metadata': request.headers['x-codex-turn-metadata'],
      'x-codex-window-id': request.headers['x-codex-window-id'],
      'x-codex-beta-features': request.headers['x-codex-beta-features'],
    });

    const usage = {
      input: 2000,
      cacheRead: 8000,
      output: 90,
      reasoning: 64,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
    };
    const entry = await lastEntry(relay);
    expect(entry).toMatchObject({
      platform: 'openai',
      model: CODEX_MODEL,
      usage,
      costMicros: openaiCost(relay, CODEX_MODEL, usage).costMicros,
      outcome: 'ok',
      estimated: false,
      stream: true,
    });
    expect(Object.values(accountIds)).toContain(entry?.accountId);
  });

  it('keeps a Codex session on one account while other sessions spread over both', async () => {
    const accountOf = () => (first.requests.length > 0 ? 'first' : 'second');
    // Two other conversations go to the least recently used account each: both accounts are in play.
    const others: string[] = [];
    for (const id of ['0c0ffee0-0000-4000-8000-000000000001', '0c0ffee0-0000-4000-8000-000000000002']) {
      const other = codexRequest(key, {
        overrides: { prompt_cache_key: id },
        headers: { 'session-id': id, 'thread-id': id, 'x-client-request-id': id },
      });
      expect((await replay(other)).status).toBe(200);
      others.push(accountOf());
      first.reset();
      second.reset();
    }
    expect(new Set(others).size).toBe(2);

    const served: string[] = [];
    for (let turn = 0; turn < 3; turn += 1) {
      expect((await replay(codexRequest(key))).status).toBe(200);
      served.push(accountOf());
      first.reset();
      second.reset();
    }
    expect(new Set(served).size).toBe(1);
    await settled(relay);
    const entries = await relay.server.services.requestLog.recent(3);
    expect(new Set(entries.map((entry) => entry.accountId))).toEqual(new Set([accountIds[served[0] ?? '']]));
  });

  it('keeps an openai SDK conversation on one account by its prompt_cache_key', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    const accountOf = async (promptCacheKey: string, input: string) => {
      first.reset();
      second.reset();
      await client.responses.create({ model: MODEL, input, prompt_cache_key: promptCacheKey });
      return first.requests.length > 0 ? 'first' : 'second';
    };
    // Without a shared key, two conversations spread over both accounts.
    const spread = [await accountOf('conversation-a', 'hello'), await accountOf('conversation-b', 'hello')];
    expect(new Set(spread).size).toBe(2);
    // Each turn of a conversation differs; its key keeps it where its cache is.
    const turns: string[] = [];
    for (const input of ['first turn', 'second turn', 'third turn'])
      turns.push(await accountOf('conversation-c', input));
    expect(new Set(turns).size).toBe(1);
  });
});

describe('an openai-oauth account on Codex’s ChatGPT backend', () => {
  const ACCESS_TOKEN = 'chatgpt-access-token-e2e';
  const WORKSPACE = 'acct-chatgpt-e2e';
  let fake: FakeUpstream;
  let relay: TestRelay;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: ACCESS_TOKEN, chatgptAccountId: WORKSPACE });
    relay = await startTestRelay();
    await createChatGPTAccount(relay, fake.url, { accessToken: ACCESS_TOKEN, chatgptAccountId: WORKSPACE });
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });

  it('sends the access token and the ChatGPT workspace, and records the usage', async () => {
    fake.enqueue({
      usage: { inputTokens: 300, cacheReadTokens: 700, outputTokens: 40, reasoningTokens: 10 },
    });
    const key = (await createKey(relay)).plaintext;
    const request = codexRequest(key);
    const response = await rawRequest(`${relay.url}/openai/responses`, {
      method: 'POST',
      headers: request.headers,
      body: request.bytes,
    });
    expect(response.status).toBe(200);
    expect(parseSseFrames(response.body).at(-1)?.event).toBe('response.completed');
    // The subscription's usage windows stay with the relay.
    expect(Object.keys(response.headers).filter((name) => name.startsWith('x-codex-'))).toEqual([]);

    const upstream = fake.requests[0];
    expect(upstream?.path).toBe('/backend-api/codex/responses');
    expect(upstream?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(upstream?.headers['chatgpt-account-id']).toBe(WORKSPACE);
    expect(upstream?.body.equals(request.bytes)).toBe(true);
    const usage = { input: 300, cacheRead: 700, output: 40, reasoning: 10, cacheWrite5m: 0, cacheWrite1h: 0 };
    expect(await lastEntry(relay)).toMatchObject({
      platform: 'openai',
      usage,
      costMicros: openaiCost(relay, CODEX_MODEL, usage).costMicros,
      outcome: 'ok',
    });
  });

  it('never sends the backend a max_output_tokens, which it refuses, when a cost limit only partly fits', async () => {
    // $0.20 a day: less than the worst case of Codex's request (its 40 KB of input and the default 32k output
    // tokens of gpt-5-codex, about $0.37), so admission would have the answer capped.
    const key = (await createKey(relay, { limits: { dailyCostMicros: 200_000 } })).plaintext;
    const request = codexRequest(key);
    fake.reset();
    const response = await rawRequest(`${relay.url}/openai/v1/responses`, {
      method: 'POST',
      headers: request.headers,
      body: request.bytes,
    });
    for (const upstream of fake.requests) expect(upstream.json).not.toHaveProperty('max_output_tokens');
    // Served, or refused by the relay for the limit; never broken by a parameter the relay added.
    expect([200, 402]).toContain(response.status);
  });
});
