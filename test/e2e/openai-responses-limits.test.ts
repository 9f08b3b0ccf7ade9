// What the Responses routes refuse, and how: every refusal in OpenAI's `{error:{message,type,param,code}}` with the
// status its clients act on, on each of the three paths Codex and the openai SDK use, and nothing sent upstream.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateApiKeyInput } from '../../src/services/api-keys/api-key-types.js';
import { codexRequest } from '../fixtures/openai-responses/codex-request.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { expectRefused, openaiRefusal, postRaw } from '../support/openai-refusal.js';
import { createKey, createOpenAIAccount, settled, startTestRelay, type TestRelay } from '../support/relay.js';
import { openStream } from '../support/sse-client.js';

const PATHS = ['/openai/v1/responses', '/openai/responses', '/v1/responses'] as const;
const MODEL = 'gpt-5-mini';
const BODY = { model: MODEL, input: 'hi' };

describe('refusals on the Responses routes', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay({ env: { BODY_LIMIT: '64kb' } });
    await createOpenAIAccount(relay, fake.url);
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const bearer = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    postRaw(`${relay.url}${path}`, body, headers);
  const keyFor = async (input: Partial<CreateApiKeyInput> = {}) => (await createKey(relay, input)).plaintext;
  /** The answer's body is exactly OpenAI's error envelope (plus the relay's optional `details`). */
  const refusal = (path: string, body: unknown, headers: Record<string, string>) =>
    openaiRefusal(`${relay.url}${path}`, body, headers);

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
      const answer = await refusal(path, { input: 'hi' }, bearer(key));
      expectRefused(answer, 400, { type: 'invalid_request_error', code: 'invalid_request', param: 'model' });
      expect(answer.body.error.message).toMatch(/^model:/);
    }
    expect(fake.requests).toHaveLength(0);
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
    // The openai SDK reads it as an authentication error.
    const client = new OpenAI({
      apiKey: 'cr_not-a-real-key',
      baseURL: `${relay.url}/openai/v1`,
      maxRetries: 0,
    });
    await expect(client.responses.create(BODY)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
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

  it('refuses the openai SDK and Codex on a claude-code key, and lets Codex alone use a codex key', async () => {
    const claudeCode = await keyFor({ clients: ['claude-code'] });
    const codexOnly = await keyFor({ clients: ['codex'] });
    for (const path of PATHS) {
      const sdkLike = await refusal(path, BODY, { ...bearer(claudeCode), 'user-agent': 'OpenAI/JS 6.49.0' });
      expectRefused(sdkLike, 403, { type: 'permission_error', code: 'permission_denied' });
      expect(sdkLike.body.error.message).toMatch(/only be used from claude-code/);
      const codex = codexRequest(claudeCode);
      expectRefused(await refusal(path, codex.bytes.toString(), codex.headers), 403, {
        code: 'permission_denied',
      });
      expectRefused(
        await refusal(path, BODY, { ...bearer(codexOnly), 'user-agent': 'OpenAI/JS 6.49.0' }),
        403,
        {
          code: 'permission_denied',
        },
      );
    }
    expect(fake.requests).toHaveLength(0);
    const codex = codexRequest(codexOnly);
    const allowed = await post(PATHS[0], codex.bytes.toString(), codex.headers);
    expect(allowed.status).toBe(200);
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a model on the deny-list with 403 and serves the others', async () => {
    const key = await keyFor({ modelDeny: ['gpt-5*'] });
    for (const path of PATHS) {
      const answer = await refusal(path, BODY, bearer(key));
      expectRefused(answer, 403, { type: 'permission_error', code: 'permission_denied' });
      expect(answer.body.error.message).toMatch(/may not use the model gpt-5-mini/);
    }
    expect(fake.requests).toHaveLength(0);
    expect((await post(PATHS[0], { model: 'gpt-4.1', input: 'hi' }, bearer(key))).status).toBe(200);
  });

  it('refuses a body over the size limit with 413', async () => {
    const key = await keyFor();
    const big = { model: MODEL, input: 'x'.repeat(70 * 1024) };
    for (const path of PATHS) {
      expectRefused(await refusal(path, big, bearer(key)), 413, {
        type: 'invalid_request_error',
        code: 'payload_too_large',
      });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a request over the concurrency limit with 429 and retry-after', async () => {
    const key = await keyFor({ limits: { concurrency: 1 } });
    // The holder's stream stalls upstream after its answer began, keeping the key's only slot.
    fake.enqueue({ stallAfterEvents: 3 });
    const holder = openStream(`${relay.url}${PATHS[0]}`, { ...BODY, stream: true }, bearer(key));
    expect(await holder.status).toBe(200);
    try {
      for (const path of PATHS) {
        const answer = await refusal(path, { ...BODY, stream: true }, bearer(key));
        expectRefused(answer, 429, { type: 'rate_limit_exceeded', code: 'concurrency_limited' });
        expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    } finally {
      holder.abort();
      await holder.done;
    }
    expect(fake.requests).toHaveLength(1);
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

  it('refuses a key whose spend limit is used up with 402, which the SDK does not retry', async () => {
    // 2,000 input tokens of gpt-5-mini at $0.25 per MTok: 500 micro-USD, the whole limit.
    fake.setDefault({ usage: { inputTokens: 2000, outputTokens: 0 } });
    try {
      for (const path of PATHS) {
        const key = await keyFor({ limits: { totalCostMicros: 500 } });
        expect((await post(path, BODY, bearer(key))).status).toBe(200);
        await settled(relay);
        const answer = await refusal(path, BODY, bearer(key));
        expectRefused(answer, 402, { type: 'insufficient_quota', code: 'quota_exceeded' });
        expect(answer.body.error.message).toMatch(/total/);
        expect(answer.headers['x-should-retry']).toBe('false');
      }
      expect(fake.requests).toHaveLength(PATHS.length);
      const spent = await keyFor({ limits: { totalCostMicros: 500 } });
      const client = new OpenAI({ apiKey: spent, baseURL: `${relay.url}/openai/v1`, maxRetries: 2 });
      await client.responses.create(BODY);
      await settled(relay);
      const error = await client.responses.create(BODY).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
      expect(fake.requests).toHaveLength(PATHS.length + 1);
    } finally {
      fake.setDefault({});
    }
  });
});
