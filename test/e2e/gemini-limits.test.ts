// What the Gemini routes refuse, and how: every refusal in Google's `{error:{code,message,status,details}}` with
// the status code the genai SDK acts on, on the paths its base URL may name, and nothing sent upstream. The
// relay key is taken from `x-goog-api-key`, `?key=` or a bearer token, as Google's own API takes it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateApiKeyInput } from '../../src/services/api-keys/api-key-types.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import {
  createGeminiAccount,
  createKey,
  FAKE_GEMINI_KEY,
  settled,
  startTestRelay,
  type TestRelay,
} from '../support/relay.js';
import { openStream, postJson } from '../support/sse-client.js';

const MODEL = 'gemini-2.5-flash';
const PATHS = [
  `/v1beta/models/${MODEL}:generateContent`,
  `/gemini/v1beta/models/${MODEL}:generateContent`,
] as const;
const BODY = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };

interface GoogleRefusal {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  error: { code: number; message: string; status: string; details: unknown[] };
}

describe('refusals on the Gemini routes', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: FAKE_GEMINI_KEY });
    relay = await startTestRelay({ env: { BODY_LIMIT: '64kb' } });
    await createGeminiAccount(relay, fake.url);
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const keyFor = async (input: Partial<CreateApiKeyInput> = {}) => (await createKey(relay, input)).plaintext;
  const googKey = (key: string) => ({ 'x-goog-api-key': key });
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    postJson(`${relay.url}${path}`, body, headers);
  /** The answer is exactly Google's error envelope, with its numeric code equal to the HTTP status. */
  const refusal = async (
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<GoogleRefusal> => {
    const answer = await post(path, body, headers);
    const parsed = JSON.parse(answer.text) as { error: GoogleRefusal['error'] };
    expect(Object.keys(parsed)).toEqual(['error']);
    expect(Object.keys(parsed.error)).toEqual(['code', 'message', 'status', 'details']);
    expect(parsed.error.code).toBe(answer.status);
    return { status: answer.status, headers: answer.headers, error: parsed.error };
  };

  it('takes the key from x-goog-api-key, ?key= or a bearer token', async () => {
    const key = await keyFor();
    expect((await post(PATHS[0], BODY, googKey(key))).status).toBe(200);
    expect((await post(`${PATHS[0]}?key=${key}`, BODY, {})).status).toBe(200);
    expect((await post(PATHS[1], BODY, { authorization: `Bearer ${key}` })).status).toBe(200);
    // The relay key never travels upstream, not even in the query.
    for (const request of fake.requests) {
      expect(request.query.has('key')).toBe(false);
      expect(request.headers['x-goog-api-key']).toBe(FAKE_GEMINI_KEY);
    }
  });

  it('refuses bodies it cannot read with 400 INVALID_ARGUMENT naming the field', async () => {
    const key = await keyFor();
    for (const path of PATHS) {
      const notJson = await refusal(path, '{"contents": [', googKey(key));
      expect(notJson).toMatchObject({ status: 400, error: { status: 'INVALID_ARGUMENT' } });
      const noContents = await refusal(path, { generationConfig: {} }, googKey(key));
      expect(noContents.error.message).toMatch(/^contents: /);
      const badBound = await refusal(
        path,
        { ...BODY, generationConfig: { maxOutputTokens: -1 } },
        googKey(key),
      );
      expect(badBound.error.message).toMatch(/^generationConfig\.maxOutputTokens: /);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('sends a model of another pool to that pool, and refuses a name no family claims with 400 naming it', async () => {
    const key = await keyFor();
    // Claude's pool (translated to): this relay has no Claude account, so no account can take it.
    const claude = await refusal('/v1beta/models/claude-sonnet-4-5:generateContent', BODY, googKey(key));
    expect(claude).toMatchObject({ status: 503, error: { status: 'UNAVAILABLE' } });
    expect(claude.error.message).toContain('claude');
    const unknown = await refusal(
      '/v1beta/models/llama-3.1-70b:streamGenerateContent?alt=sse',
      BODY,
      googKey(key),
    );
    expect(unknown).toMatchObject({ status: 400, error: { status: 'INVALID_ARGUMENT' } });
    expect(unknown.error.message).toContain('llama-3.1-70b');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a missing, unknown, disabled or expired key with 401 UNAUTHENTICATED', async () => {
    const disabled = await createKey(relay);
    await relay.server.services.apiKeys.update(disabled.key.id, { enabled: false });
    const expired = await keyFor({ expiry: { kind: 'fixed', expiresAt: Date.now() - 1000 } });
    for (const headers of [{}, googKey('cr_not-a-real-key'), googKey(disabled.plaintext), googKey(expired)]) {
      expect(await refusal(PATHS[0], BODY, headers)).toMatchObject({
        status: 401,
        error: { status: 'UNAUTHENTICATED' },
      });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses what the key may not use with 403 PERMISSION_DENIED: platform, model, client', async () => {
    const claudeOnly = await keyFor({ platforms: ['claude'] });
    const noFlash = await keyFor({ modelDeny: ['gemini-2.5-flash*'] });
    const proOnly = await keyFor({ modelAllow: ['gemini-2.5-pro'] });
    const codexOnly = await keyFor({ clients: ['codex'] });
    for (const key of [claudeOnly, noFlash, proOnly, codexOnly]) {
      for (const path of PATHS) {
        expect(await refusal(path, BODY, googKey(key))).toMatchObject({
          status: 403,
          error: { status: 'PERMISSION_DENIED' },
        });
      }
    }
    expect(fake.requests).toHaveLength(0);
    expect((await post('/v1beta/models/gemini-2.5-pro:generateContent', BODY, googKey(proOnly))).status).toBe(
      200,
    );
  });

  it('lets a key for Gemini CLI only be used by Gemini CLI', async () => {
    const key = await keyFor({ clients: ['gemini-cli'] });
    const sdk = await refusal(PATHS[0], BODY, {
      ...googKey(key),
      'user-agent': 'google-genai-sdk/2.32.0 gl-node/v20',
    });
    expect(sdk.status).toBe(403);
    const cli = await post(PATHS[0], BODY, {
      ...googKey(key),
      'user-agent': 'GeminiCLI-tui/0.61.0/gemini-3.8-flash (linux; x64; terminal)',
    });
    expect(cli.status).toBe(200);
  });

  it('refuses a body over the size limit with 413', async () => {
    const key = await keyFor();
    const big = { contents: [{ role: 'user', parts: [{ text: 'x'.repeat(70 * 1024) }] }] };
    expect(await refusal(PATHS[0], big, googKey(key))).toMatchObject({ status: 413 });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a request over the concurrency limit with 429 RESOURCE_EXHAUSTED and retry-after', async () => {
    const key = await keyFor({ limits: { concurrency: 1 } });
    fake.enqueue({ stallAfterEvents: 1 });
    const holder = openStream(
      `${relay.url}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`,
      BODY,
      googKey(key),
    );
    expect(await holder.status).toBe(200);
    try {
      const answer = await refusal(PATHS[0], BODY, googKey(key));
      expect(answer).toMatchObject({ status: 429, error: { status: 'RESOURCE_EXHAUSTED' } });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      holder.abort();
      await holder.done;
    }
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a request past the window’s request limit with 429 and the reset in retry-after', async () => {
    const key = await keyFor({ limits: { window: { seconds: 3600, mode: 'fixed', requests: 1 } } });
    expect((await post(PATHS[0], BODY, googKey(key))).status).toBe(200);
    const answer = await refusal(PATHS[1], BODY, googKey(key));
    expect(answer).toMatchObject({ status: 429, error: { status: 'RESOURCE_EXHAUSTED' } });
    const secondsLeft = Math.ceil((3600_000 - (Date.now() % 3600_000)) / 1000);
    expect(Math.abs(Number(answer.headers['retry-after']) - secondsLeft)).toBeLessThanOrEqual(2);
  });

  it('refuses a key whose spend limit is used up with 402, and caps one whose worst case does not fit', async () => {
    // gemini-2.5-flash: $0.30 per MTok in, $2.50 out. 2,000 input tokens cost 600 micro-USD: the whole limit.
    fake.setDefault({ usage: { inputTokens: 2000, outputTokens: 0 } });
    try {
      const key = await keyFor({ limits: { totalCostMicros: 600 } });
      expect((await post(PATHS[0], BODY, googKey(key))).status).toBe(200);
      await settled(relay);
      const answer = await refusal(PATHS[0], BODY, googKey(key));
      expect(answer).toMatchObject({ status: 402, error: { status: 'RESOURCE_EXHAUSTED' } });
    } finally {
      fake.setDefault({});
    }
    fake.reset();
    // 10,000 output tokens would cost 25,000 micro-USD; 200 are left: the upstream is asked for fewer.
    const capped = await keyFor({ limits: { totalCostMicros: 200 } });
    const body = { ...BODY, generationConfig: { maxOutputTokens: 10_000, temperature: 0.5 } };
    const answer = await post(PATHS[0], body, googKey(capped));
    expect(answer.status).toBe(200);
    const cap = Number(answer.headers['x-relay-max-tokens']);
    expect(cap).toBeGreaterThan(0);
    expect(cap).toBeLessThan(100);
    expect(fake.requests[0]?.json).toEqual({
      ...BODY,
      generationConfig: { maxOutputTokens: cap, temperature: 0.5 },
    });
  });
});
