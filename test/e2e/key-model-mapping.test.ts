// A key's model mapping: a request for a model the key maps is served as the mapped model. That name picks the
// pool (Claude Code's names answered by Gemini accounts, translated), meets the key's allow and deny lists, is
// recorded in the ledger and sent upstream (only the body's model bytes change), and an account's own mapping
// applies after it. A key that maps nothing, or not the model asked for, changes nothing.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateApiKeyInput } from '../../src/services/api-keys/api-key-types.js';
import { claudeCodeBody } from '../fixtures/claude-code-request.js';
import { DEFAULT_TEXT, type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { formatClient } from '../support/format-clients.js';
import { lastEntry } from '../support/ledger.js';
import {
  createClaudeAccount,
  createGeminiAccount,
  createKey,
  startTestRelay,
  type TestRelay,
} from '../support/relay.js';
import { postJson } from '../support/sse-client.js';

const CLAUDE_CODE_HEADERS = {
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219',
  'user-agent': 'claude-cli/2.1.0 (external, cli)',
  'x-app': 'cli',
};

describe("a key's model mapping", () => {
  let fake: FakeUpstream;
  let relay: TestRelay;

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay();
    // The Claude account maps one name of its own, to show the key's mapping and the account's compose.
    await createClaudeAccount(relay, fake.url, {
      modelMapping: { 'claude-opus-4-1': 'claude-opus-4-1-20250805' },
    });
    await createGeminiAccount(relay, fake.url);
  });
  afterAll(async () => {
    await relay?.stop();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  const anthropicFor = async (input: Partial<CreateApiKeyInput>) => {
    const { plaintext } = await createKey(relay, input);
    return { plaintext, client: new Anthropic({ apiKey: plaintext, baseURL: relay.url, maxRetries: 0 }) };
  };
  const ask = (client: Anthropic, model = 'claude-sonnet-4-5') =>
    client.messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
  /** Claude Code's request for `model`, sent as bytes, with what the relay answered and the upstream got. */
  const claudeCode = async (key: string, model: string) => {
    const body = claudeCodeBody(model);
    const response = await postJson(`${relay.url}/v1/messages`, body, {
      ...CLAUDE_CODE_HEADERS,
      'x-api-key': key,
    });
    return { body, response, sent: fake.requests[0]?.body.toString('utf8') };
  };
  /** The body with its model's bytes changed, and nothing else; fails rather than compare a body with itself. */
  const withModel = (body: string, from: string, to: string) => {
    const field = `"model": "${from}"`;
    if (!body.includes(field)) throw new Error(`no ${field} in the body`);
    return body.replace(field, `"model": "${to}"`);
  };

  it("serves Claude Code's model from a Gemini account when the key maps it to a Gemini model", async () => {
    const { plaintext, client } = await anthropicFor({
      modelMapping: { 'claude-sonnet-4-5': 'gemini-2.5-flash' },
    });
    for (const stream of [false, true]) {
      fake.reset();
      const answer = await formatClient('anthropic', relay.url, plaintext).text('claude-sonnet-4-5', stream);
      expect(answer.text).toBe(DEFAULT_TEXT);
      const method = stream ? 'streamGenerateContent' : 'generateContent';
      expect(fake.requests.map((request) => request.path)).toEqual([
        `/v1beta/models/gemini-2.5-flash:${method}`,
      ]);
      // Translated into Gemini's own request: no Anthropic field, and no model in the body (it is the path's).
      expect(fake.requests[0]?.json).toHaveProperty('contents');
      expect(JSON.stringify(fake.requests[0]?.json)).not.toContain('claude');
      expect(await lastEntry(relay)).toMatchObject({
        status: 200,
        outcome: 'ok',
        platform: 'gemini',
        model: 'gemini-2.5-flash',
        upstreamModel: 'gemini-2.5-flash',
      });
    }
    // The answer names the model that served it.
    fake.reset();
    expect((await ask(client)).model).toBe('gemini-2.5-flash');
  });

  it("rewrites only the body's model when the key maps to a model of the same pool", async () => {
    const { plaintext } = await createKey(relay, {
      modelMapping: { 'claude-sonnet-4-5': 'claude-haiku-4-5' },
    });
    const { body, response, sent } = await claudeCode(plaintext, 'claude-sonnet-4-5');
    expect(response.status).toBe(200);
    expect(fake.requests[0]?.path).toBe('/v1/messages');
    expect(sent).toBe(withModel(body, 'claude-sonnet-4-5', 'claude-haiku-4-5'));
    expect(await lastEntry(relay)).toMatchObject({
      platform: 'claude',
      model: 'claude-haiku-4-5',
      upstreamModel: 'claude-haiku-4-5',
    });

    // A model the key does not map goes as the client sent it.
    fake.reset();
    const unmapped = await claudeCode(plaintext, 'claude-haiku-4-5');
    expect(unmapped.response.status).toBe(200);
    expect(unmapped.sent).toBe(unmapped.body);
  });

  it('leaves requests of a key without a mapping as they were', async () => {
    const { plaintext } = await createKey(relay);
    const { body, response, sent } = await claudeCode(plaintext, 'claude-sonnet-4-5');
    expect(response.status).toBe(200);
    expect(sent).toBe(body);
    expect(await lastEntry(relay)).toMatchObject({ platform: 'claude', model: 'claude-sonnet-4-5' });
  });

  it("applies the key's allow and deny lists to the mapped model", async () => {
    const mapping = { 'claude-sonnet-4-5': 'gemini-2.5-flash' };
    const denied = await anthropicFor({ modelMapping: mapping, modelDeny: ['gemini-2.5-flash'] });
    const refusal = await ask(denied.client).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((refusal as InstanceType<typeof Anthropic.APIError>).status).toBe(403);
    expect(String((refusal as Error).message)).toContain('gemini-2.5-flash');
    expect(fake.requests).toEqual([]);

    // A key allowed Gemini models only serves Claude Code's names it maps to one, and refuses those it does not.
    const geminiOnly = await anthropicFor({ modelMapping: mapping, modelAllow: ['gemini-*'] });
    expect((await ask(geminiOnly.client)).model).toBe('gemini-2.5-flash');
    const unmapped = await ask(geminiOnly.client, 'claude-haiku-4-5').catch((error: unknown) => error);
    expect(unmapped).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(fake.requests).toHaveLength(1);
  });

  it("composes with the account's mapping: the key maps first, then the account", async () => {
    const { plaintext } = await createKey(relay, {
      modelMapping: { 'claude-sonnet-4-5': 'claude-opus-4-1' },
    });
    const { body, response, sent } = await claudeCode(plaintext, 'claude-sonnet-4-5');
    expect(response.status).toBe(200);
    expect(sent).toBe(withModel(body, 'claude-sonnet-4-5', 'claude-opus-4-1-20250805'));
    expect(await lastEntry(relay)).toMatchObject({
      platform: 'claude',
      model: 'claude-opus-4-1',
      upstreamModel: 'claude-opus-4-1-20250805',
    });
  });

  it("serves a Gemini client's path model as the key maps it", async () => {
    const { plaintext } = await createKey(relay, { modelMapping: { 'gemini-2.5-pro': 'gemini-2.5-flash' } });
    const answer = await formatClient('gemini', relay.url, plaintext).text('gemini-2.5-pro', false);
    expect(answer.text).toBe(DEFAULT_TEXT);
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/v1beta/models/gemini-2.5-flash:generateContent',
    ]);
    expect(await lastEntry(relay)).toMatchObject({ platform: 'gemini', model: 'gemini-2.5-flash' });
  });
});
