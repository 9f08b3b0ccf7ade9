// What the Chat Completions routes refuse, and how: every refusal in OpenAI's `{error:{message,type,param,code}}`
// with the status the openai SDK acts on, on both paths its base URL may name, and nothing sent upstream.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateApiKeyInput } from '../../src/services/api-keys/api-key-types.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { expectRefused, openaiRefusal, postRaw } from '../support/openai-refusal.js';
import { createKey, createOpenAIAccount, settled, startTestRelay, type TestRelay } from '../support/relay.js';
import { openStream } from '../support/sse-client.js';

const PATHS = ['/v1/chat/completions', '/openai/v1/chat/completions'] as const;
const MODEL = 'gpt-5-mini';
const BODY = { model: MODEL, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('refusals on the Chat Completions routes', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay();
    await createOpenAIAccount(relay, fake.url);
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const bearer = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
  const keyFor = async (input: Partial<CreateApiKeyInput> = {}) => (await createKey(relay, input)).plaintext;
  const refusal = (path: string, body: unknown, headers: Record<string, string>) =>
    openaiRefusal(`${relay.url}${path}`, body, headers);
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    postRaw(`${relay.url}${path}`, body, headers);

  it('refuses a body that is not JSON with 400 invalid_json', async () => {
    const key = await keyFor();
    for (const path of PATHS) {
      expectRefused(await refusal(path, '{"model": "gpt-5', bearer(key)), 400, {
        type: 'invalid_request_error',
        code: 'invalid_json',
        param: null,
      });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a body without a model with 400 naming the field', async () => {
    const key = await keyFor();
    for (const path of PATHS) {
      const answer = await refusal(path, { messages: BODY.messages }, bearer(key));
      expectRefused(answer, 400, { type: 'invalid_request_error', param: 'model' });
      expect(answer.body.error.message).toMatch(/model/);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses several choices (n: 2) with 400 naming n, and serves n: 1', async () => {
    const key = await keyFor();
    for (const path of PATHS) {
      for (const stream of [false, true]) {
        const answer = await refusal(path, { ...BODY, n: 2, stream }, bearer(key));
        expectRefused(answer, 400, { type: 'invalid_request_error', param: 'n' });
        expect(answer.body.error.message).toMatch(/\bn\b/);
      }
    }
    expect(fake.requests).toHaveLength(0);
    // The SDK reads it as a bad request, which it does not retry.
    const client = new OpenAI({ apiKey: key, baseURL: `${relay.url}/v1`, maxRetries: 2 });
    await expect(client.chat.completions.create({ ...BODY, n: 2 })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    expect(fake.requests).toHaveLength(0);
    expect((await post(PATHS[0], { ...BODY, n: 1 }, bearer(key))).status).toBe(200);
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses an unknown key, and a missing one, with 401', async () => {
    for (const path of PATHS) {
      expectRefused(await refusal(path, BODY, bearer('cr_not-a-real-key')), 401, {
        type: 'invalid_request_error',
        code: 'unauthenticated',
      });
      expectRefused(await refusal(path, BODY, { 'content-type': 'application/json' }), 401, {
        code: 'unauthenticated',
      });
    }
    const client = new OpenAI({ apiKey: 'cr_not-a-real-key', baseURL: `${relay.url}/v1`, maxRetries: 0 });
    await expect(client.chat.completions.create(BODY)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a key whose platforms exclude openai with 403', async () => {
    const key = await keyFor({ platforms: ['claude'] });
    for (const path of PATHS) {
      const answer = await refusal(path, BODY, bearer(key));
      expectRefused(answer, 403, { type: 'permission_error', code: 'permission_denied' });
      expect(answer.body.error.message).toMatch(/openai platform/);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a request over the concurrency limit with 429 and retry-after', async () => {
    const key = await keyFor({ limits: { concurrency: 1 } });
    // The holder's stream stalls upstream after its answer began, keeping the key's only slot.
    fake.enqueue({ stallAfterEvents: 2 });
    const holder = openStream(`${relay.url}${PATHS[0]}`, { ...BODY, stream: true }, bearer(key));
    expect(await holder.status).toBe(200);
    try {
      for (const path of PATHS) {
        for (const stream of [false, true]) {
          const answer = await refusal(path, { ...BODY, stream }, bearer(key));
          expectRefused(answer, 429, { type: 'rate_limit_exceeded', code: 'concurrency_limited' });
          expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        }
      }
    } finally {
      holder.abort();
      await holder.done;
    }
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a key whose spend limit is used up with 402, which the SDK does not retry', async () => {
    // 2,000 input tokens of gpt-5-mini at $0.25 per MTok: 500 micro-USD, the whole limit.
    fake.setDefault({ usage: { inputTokens: 2000, outputTokens: 0 } });
    try {
      for (const path of PATHS) {
        const key = await keyFor({ limits: { totalCostMicros: 500 } });
        expect((await post(path, BODY, bearer(key))).status).toBe(200);
        await settled(relay);
        for (const stream of [false, true]) {
          const answer = await refusal(path, { ...BODY, stream }, bearer(key));
          expectRefused(answer, 402, { type: 'insufficient_quota', code: 'quota_exceeded' });
          expect(answer.headers['x-should-retry']).toBe('false');
        }
      }
      expect(fake.requests).toHaveLength(PATHS.length);
      const spent = await keyFor({ limits: { totalCostMicros: 500 } });
      const client = new OpenAI({ apiKey: spent, baseURL: `${relay.url}/openai/v1`, maxRetries: 2 });
      await client.chat.completions.create(BODY);
      await settled(relay);
      const error = await client.chat.completions.create(BODY).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
      expect(fake.requests).toHaveLength(PATHS.length + 1);
    } finally {
      fake.setDefault({});
    }
  });

  it('refuses a disabled key and an expired one with 401', async () => {
    const disabled = await createKey(relay);
    await relay.server.services.apiKeys.update(disabled.key.id, { enabled: false });
    const expired = await keyFor({ expiry: { kind: 'fixed', expiresAt: Date.now() - 1000 } });
    for (const path of PATHS) {
      const off = await refusal(path, BODY, bearer(disabled.plaintext));
      expectRefused(off, 401, { type: 'invalid_request_error', code: 'unauthenticated' });
      const gone = await refusal(path, BODY, bearer(expired));
      expectRefused(gone, 401, { code: 'unauthenticated' });
      expect(gone.body.error.message).toMatch(/expired/);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses models the key's deny-list or allow-list excludes with 403, and serves the others", async () => {
    const denying = await keyFor({ modelDeny: ['gpt-5*'] });
    const allowing = await keyFor({ modelAllow: ['gpt-4.1'] });
    for (const path of PATHS) {
      for (const key of [denying, allowing]) {
        const answer = await refusal(path, BODY, bearer(key));
        expectRefused(answer, 403, { type: 'permission_error', code: 'permission_denied' });
        expect(answer.body.error.message).toMatch(/may not use the model gpt-5-mini/);
      }
    }
    expect(fake.requests).toHaveLength(0);
    for (const key of [denying, allowing]) {
      expect((await post(PATHS[0], { ...BODY, model: 'gpt-4.1' }, bearer(key))).status).toBe(200);
    }
  });

  it('refuses the openai SDK on a key for Claude Code only with 403', async () => {
    const key = await keyFor({ clients: ['claude-code'] });
    for (const path of PATHS) {
      const answer = await refusal(path, BODY, { ...bearer(key), 'user-agent': 'OpenAI/JS 6.49.0' });
      expectRefused(answer, 403, { type: 'permission_error', code: 'permission_denied' });
      expect(answer.body.error.message).toMatch(/only be used from claude-code/);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a request past the window’s request limit with 429 and the reset in retry-after', async () => {
    for (const path of PATHS) {
      const key = await keyFor({ limits: { window: { seconds: 3600, mode: 'fixed', requests: 1 } } });
      expect((await post(path, BODY, bearer(key))).status).toBe(200);
      const answer = await refusal(path, BODY, bearer(key));
      expectRefused(answer, 429, { type: 'rate_limit_exceeded', code: 'rate_limited' });
      const secondsLeft = Math.ceil((3600_000 - (Date.now() % 3600_000)) / 1000);
      expect(Math.abs(Number(answer.headers['retry-after']) - secondsLeft)).toBeLessThanOrEqual(2);
    }
    expect(fake.requests).toHaveLength(PATHS.length);
  });

  it('caps the output of a request whose worst case does not fit, and refuses one whose input does not', async () => {
    // gpt-5-mini: $0.25 per MTok in, $2 out. 10,000 output tokens would cost 20,000 micro-USD; 200 are left.
    const key = await keyFor({ limits: { totalCostMicros: 200 } });
    const capped = await post(PATHS[0], { ...BODY, max_completion_tokens: 10_000 }, bearer(key));
    expect(capped.status).toBe(200);
    const cap = Number(capped.headers['x-relay-max-tokens']);
    expect(cap).toBeGreaterThan(0);
    expect(cap).toBeLessThan(100);
    expect(fake.requests[0]?.json).toMatchObject({ max_completion_tokens: cap });
    // A body whose input alone costs more than the whole limit: nothing can be served for it.
    const huge = await keyFor({ limits: { totalCostMicros: 1 } });
    const big = { model: MODEL, messages: [{ role: 'user', content: 'word '.repeat(20_000) }] };
    const answer = await refusal(PATHS[1], big, bearer(huge));
    expectRefused(answer, 402, { type: 'insufficient_quota' });
    expect(answer.body.error.message).toMatch(/worst case does not fit/);
    expect(fake.requests).toHaveLength(1);
  });
});
