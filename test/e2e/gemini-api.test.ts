// The Gemini format end to end on a gemini-api (AI Studio key) account: the genai SDK through a running relay to
// the fake Generative Language API. Bodies, SSE streams and JSON-array streams pass through byte for byte; the
// upstream gets the account's key, never the relay's; the ledger has the exact tokens, thoughts billed as
// output and cached content as cache reads; function calls keep their thoughtSignature both ways.
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import {
  createGeminiAccount,
  createKey,
  settled,
  startTestRelay,
  type TestRelay,
  FAKE_GEMINI_KEY as UPSTREAM_KEY,
} from '../support/relay.js';

const MODEL = 'gemini-2.5-flash';
/** 500 prompt tokens (400 of them cached), 80 candidates tokens, 30 thinking tokens. */
const USAGE = { inputTokens: 100, cacheReadTokens: 400, outputTokens: 110, reasoningTokens: 30 };

describe('the genai SDK on a gemini-api account', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let key: string;
  let keyId: string;
  let accountId: string;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
    relay = await startTestRelay();
    accountId = (await createGeminiAccount(relay, fake.url)).id;
    const issued = await createKey(relay);
    key = issued.plaintext;
    keyId = issued.key.id;
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.setDefault({ usage: USAGE });
  });

  const genai = (base = '') =>
    new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: `${relay.url}${base}` } });
  const lastEntry = async () => {
    await settled(relay);
    const [entry] = await relay.server.services.requestLog.recent(1);
    return entry;
  };
  /** What the fake reported, read back as Google's usageMetadata. */
  const expectExactUsage = (
    entry: Awaited<ReturnType<typeof lastEntry>>,
    metadata: Record<string, number>,
  ) => {
    const prompt = metadata.promptTokenCount ?? 0;
    const cached = metadata.cachedContentTokenCount ?? 0;
    const thoughts = metadata.thoughtsTokenCount ?? 0;
    expect(cached).toBe(400);
    expect(thoughts).toBe(30);
    expect(entry?.usage).toMatchObject({
      input: prompt - cached,
      cacheRead: cached,
      output: (metadata.candidatesTokenCount ?? 0) + thoughts,
      reasoning: thoughts,
    });
    expect(entry?.estimated).toBe(false);
  };

  it('answers generateContent, with the account key upstream and exact usage in the ledger', async () => {
    const response = await genai().models.generateContent({ model: MODEL, contents: 'Say hello' });
    expect(response.text).toBeTruthy();
    const upstream = fake.requests[0];
    expect(upstream?.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
    expect(upstream?.headers['x-goog-api-key']).toBe(UPSTREAM_KEY);
    expect(JSON.stringify(upstream?.headers)).not.toContain(key);
    const entry = await lastEntry();
    expect(entry).toMatchObject({
      keyId,
      accountId,
      platform: 'gemini',
      model: MODEL,
      stream: false,
      outcome: 'ok',
    });
    expectExactUsage(entry, response.usageMetadata as Record<string, number>);
    expect(entry?.costMicros).toBeGreaterThan(0);
  });

  it('streams generateContentStream as SSE, and records the last chunk’s usage', async () => {
    let text = '';
    let last: Record<string, number> | undefined;
    for await (const chunk of await genai().models.generateContentStream({
      model: MODEL,
      contents: 'Say hello',
    })) {
      text += chunk.text ?? '';
      last = chunk.usageMetadata as Record<string, number> | undefined;
    }
    expect(text).toBeTruthy();
    expect(fake.requests[0]?.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent`);
    expect(fake.requests[0]?.query.get('alt')).toBe('sse');
    const entry = await lastEntry();
    expect(entry).toMatchObject({ platform: 'gemini', stream: true, outcome: 'ok' });
    expectExactUsage(entry, last ?? {});
  });

  it('passes a stream asked without alt=sse through as the JSON array Google sends', async () => {
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] });
    const answer = await rawRequest(`${relay.url}/v1beta/models/${MODEL}:streamGenerateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': key, 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('application/json');
    const chunks = JSON.parse(answer.body) as Array<{ usageMetadata: Record<string, number> }>;
    expect(chunks.length).toBeGreaterThan(1);
    expect(fake.requests[0]?.query.has('alt')).toBe(false);
    expectExactUsage(await lastEntry(), chunks.at(-1)?.usageMetadata ?? {});
  });

  it('counts tokens and lists models without a ledger entry', async () => {
    const before = await relay.server.services.requestLog.recent(100);
    const counted = await genai().models.countTokens({ model: MODEL, contents: 'How many tokens is this?' });
    expect(counted.totalTokens).toBeGreaterThan(0);
    expect(fake.requests[0]?.path).toBe(`/v1beta/models/${MODEL}:countTokens`);
    const names: string[] = [];
    for await (const model of await genai().models.list()) names.push(model.name ?? '');
    expect(names).toContain(`models/${MODEL}`);
    expect(names.every((name) => /^models\/(gemini|gemma)-/.test(name))).toBe(true);
    const one = await genai().models.get({ model: MODEL });
    expect(one.name).toBe(`models/${MODEL}`);
    await settled(relay);
    expect(await relay.server.services.requestLog.recent(100)).toHaveLength(before.length);
    // Only the token count reached the upstream: the relay draws the model list itself.
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps a function call’s thoughtSignature and id both ways', async () => {
    fake.enqueue({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', id: 'call-1' }] });
    const client = genai('/gemini');
    const tools = [
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
      },
    ];
    const first = await client.models.generateContent({
      model: MODEL,
      contents: 'Weather in Paris?',
      config: { tools },
    });
    const part = first.candidates?.[0]?.content?.parts?.find((candidate) => candidate.functionCall);
    expect(part?.functionCall).toMatchObject({ name: 'get_weather', id: 'call-1', args: { city: 'Paris' } });
    expect(part?.thoughtSignature).toMatch(/^Ci/);
    await client.models.generateContent({
      model: MODEL,
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: [part ?? {}] },
        {
          role: 'user',
          parts: [{ functionResponse: { id: 'call-1', name: 'get_weather', response: { sky: 'clear' } } }],
        },
      ],
      config: { tools },
    });
    expect(fake.requests[1]?.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
    const sent = fake.requests[1]?.body.toString('utf8') ?? '';
    expect(sent).toContain(`"thoughtSignature":"${part?.thoughtSignature}"`);
    expect(sent).toContain('"id":"call-1"');
  });
});
