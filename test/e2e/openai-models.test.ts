// Model lists and model routing for OpenAI-format clients: `models.list()` and `models.retrieve()` from the
// openai SDK answer with the models the key may use on the OpenAI pool (each account's named models, or the
// catalog's for accounts that name none, narrowed by the key's binding and model lists); `GET /v1/models`
// still answers Anthropic's clients from a Claude account; a model whose family belongs to another pool is
// refused with the route that serves it, and a model no family claims with a 400 naming it.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Account } from '../../src/services/accounts/account-types.js';
import { FAKE_AZURE_KEY } from '../support/fake-azure.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import {
  createChatGPTAccount,
  createClaudeAccount,
  createKey,
  createOpenAIAccount,
  settled,
  startTestRelay,
  type TestRelay,
} from '../support/relay.js';

const UPSTREAM_KEY = 'sk-openai-upstream-secret';
/** What the openai-api account names: an exact model, a prefix, and an alias of its own. */
const API_ACCOUNT_MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'team-fast'];

describe('OpenAI model lists and model routing', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let apiAccount: Account;
  let chatgptAccount: Account;

  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
    relay = await startTestRelay();
    await createClaudeAccount(relay, fake.url, { credentials: { apiKey: UPSTREAM_KEY } });
    apiAccount = await createOpenAIAccount(relay, fake.url, {
      supportedModels: ['gpt-4o', 'gpt-4.1*'],
      modelMapping: { 'team-fast': 'gpt-4.1-mini' },
    });
    chatgptAccount = await createChatGPTAccount(relay, fake.url, {
      accessToken: 'chatgpt-access-token',
      chatgptAccountId: 'acct-models',
    });
    await relay.server.services.accounts.create({
      type: 'azure-openai',
      name: 'azure',
      baseUrl: fake.url,
      credentials: { apiKey: FAKE_AZURE_KEY },
      deployments: { 'gpt-4o': 'prod-4o', 'o4-mini': 'reasoning' },
    });
  });
  afterAll(async () => {
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const openai = (key: string, base = '/v1') =>
    new OpenAI({ apiKey: key, baseURL: `${relay.url}${base}`, maxRetries: 0 });
  const listIds = async (client: OpenAI) => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    return ids;
  };

  it('lists the models of every OpenAI account in OpenAI list shape, on each base URL', async () => {
    const { plaintext } = await createKey(relay);
    for (const base of ['/v1', '/openai/v1', '/openai']) {
      const ids = await listIds(openai(plaintext, base));
      expect(ids).toEqual([...ids].sort());
      // The openai-api account's names, all of them.
      for (const id of API_ACCOUNT_MODELS) expect(ids).toContain(id);
      // The ChatGPT account names none: the catalog's GPT-5 and Codex models, text generation only.
      expect(ids).toEqual(expect.arrayContaining(['gpt-5', 'gpt-5-mini', 'gpt-5.1-codex-mini']));
      for (const id of ids) {
        expect(API_ACCOUNT_MODELS.includes(id) || id.startsWith('gpt-5') || id.startsWith('codex-')).toBe(
          true,
        );
      }
      expect(ids.some((id) => /image|audio|tts|realtime|transcribe/.test(id))).toBe(false);
      // Neither the Claude account's nor the Azure pool's models are this route's.
      expect(ids.some((id) => id.startsWith('claude'))).toBe(false);
      expect(ids).not.toContain('o4-mini');
    }
    expect(fake.requests).toEqual([]);
  });

  it("narrows the list to the key's model lists and binding", async () => {
    const denied = await createKey(relay, { modelDeny: ['gpt-5*', 'codex-*'] });
    expect(await listIds(openai(denied.plaintext))).toEqual(API_ACCOUNT_MODELS);
    const allowed = await createKey(relay, { modelAllow: ['gpt-4o', 'gpt-5'] });
    expect(await listIds(openai(allowed.plaintext))).toEqual(['gpt-4o', 'gpt-5']);
    const bound = await createKey(relay, {
      bindings: { openai: { accountId: apiAccount.id } },
      bindingFallback: 'fail',
    });
    expect(await listIds(openai(bound.plaintext))).toEqual(API_ACCOUNT_MODELS);
    const boundToChatGPT = await createKey(relay, {
      bindings: { openai: { accountId: chatgptAccount.id } },
      bindingFallback: 'fail',
    });
    const chatgptIds = await listIds(openai(boundToChatGPT.plaintext));
    expect(chatgptIds).toContain('gpt-5');
    expect(chatgptIds).not.toContain('gpt-4o');
  });

  it('retrieves one model, and answers 404 model_not_found for a model the key may not use', async () => {
    const { plaintext } = await createKey(relay, { modelDeny: ['gpt-4.1-nano'] });
    const model = await openai(plaintext).models.retrieve('gpt-4o');
    expect(model).toEqual({
      id: 'gpt-4o',
      object: 'model',
      created: Math.floor(apiAccount.createdAt / 1000),
      owned_by: 'openai',
    });
    for (const id of ['gpt-4.1-nano', 'gpt-3.5-turbo', 'claude-sonnet-4-5']) {
      const refusal = await openai(plaintext)
        .models.retrieve(id)
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(OpenAI.NotFoundError);
      expect((refusal as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({
        type: 'invalid_request_error',
        code: 'model_not_found',
        param: 'model',
      });
    }
  });

  it('refuses the list to a key that may not use the OpenAI pool, in OpenAI shape', async () => {
    const { plaintext } = await createKey(relay, { platforms: ['claude'] });
    const refusal = await listIds(openai(plaintext)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((refusal as InstanceType<typeof OpenAI.PermissionDeniedError>).error).toMatchObject({
      type: 'permission_error',
    });
  });

  it('lists the Azure pool by its deployments under /azure', async () => {
    const { plaintext } = await createKey(relay);
    for (const base of ['/azure', '/azure/v1', '/azure/openai/v1']) {
      const page = await openai(plaintext, base).models.list();
      expect(page.data.map((model) => [model.id, model.owned_by])).toEqual([
        ['gpt-4o', 'azure'],
        ['o4-mini', 'azure'],
      ]);
    }
  });

  it("keeps answering Anthropic's clients on GET /v1/models from a Claude account", async () => {
    const { plaintext } = await createKey(relay);
    const anthropic = new Anthropic({ apiKey: plaintext, baseURL: relay.url, maxRetries: 0 });
    const page = await anthropic.models.list();
    expect(page.data.map((model) => model.id)).toContain('claude-sonnet-4-5-20250929');
    expect(fake.requests.map((request) => request.path)).toEqual(['/v1/models']);
    // x-api-key alone is Anthropic's way of sending a key; a bearer token without anthropic-version is OpenAI's.
    const byHeader = async (headers: Record<string, string>) =>
      (await (await fetch(`${relay.url}/v1/models`, { headers })).json()) as {
        object?: string;
        data: unknown[];
      };
    expect((await byHeader({ 'x-api-key': plaintext })).object).toBeUndefined();
    expect((await byHeader({ authorization: `Bearer ${plaintext}` })).object).toBe('list');
    expect(
      (await byHeader({ authorization: `Bearer ${plaintext}`, 'anthropic-version': '2023-06-01' })).object,
    ).toBeUndefined();
  });

  it('serves an alias an account names, as the model it maps to', async () => {
    const { plaintext } = await createKey(relay);
    const completion = await openai(plaintext).chat.completions.create({
      model: 'team-fast',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();
    expect(fake.requests[0]?.json).toMatchObject({ model: 'gpt-4.1-mini' });
    await settled(relay);
    const [entry] = await relay.server.services.requestLog.recent(1);
    expect(entry).toMatchObject({
      accountId: apiAccount.id,
      model: 'team-fast',
      upstreamModel: 'gpt-4.1-mini',
    });
  });

  it('sends a model of another pool to that pool, and refuses one no family claims by name', async () => {
    const { plaintext } = await createKey(relay);
    // Claude's pool answers, translated from the Claude account's Messages answer.
    const completion = await openai(plaintext).chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBeTruthy();
    expect(fake.requests.map((request) => request.path)).toEqual(['/v1/messages']);
    fake.reset();
    // Gemini's pool has no account in this relay.
    const refusal = await openai(plaintext)
      .chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OpenAI.InternalServerError);
    expect((refusal as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(503);
    expect((refusal as Error).message).toContain('gemini');
    const cases = [
      { model: 'llama-3.1-70b', says: 'llama-3.1-70b is not a model this relay knows how to route' },
    ];
    for (const { model, says } of cases) {
      for (const call of [
        () =>
          openai(plaintext).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }),
        () => openai(plaintext, '/openai/v1').responses.create({ model, input: 'hi' }),
      ]) {
        const refusal = await call().catch((error: unknown) => error);
        expect(refusal).toBeInstanceOf(OpenAI.BadRequestError);
        const { error } = refusal as InstanceType<typeof OpenAI.BadRequestError>;
        expect(error).toMatchObject({ type: 'invalid_request_error', param: 'model' });
        expect((error as { message: string }).message).toContain(says);
      }
    }
    expect(fake.requests).toEqual([]);
  });
});
