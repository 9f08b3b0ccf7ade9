// azure-openai accounts end to end: the openai SDK through a running relay's /azure routes to a fake Azure OpenAI
// resource, on the v1 API (deployment in the body's model) and on a dated api-version (deployment in the chat
// path; `/openai/responses?api-version=`), JSON and streams; a content-filter refusal reaches the client as Azure
// gave it and leaves the account in service; a 429 rate-limits the account and the request fails over.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreateAccountInput } from '../../src/services/accounts/account-types.js';
import {
  AZURE_CONTENT_FILTER_MESSAGE,
  AZURE_CONTENT_FILTER_RESULT,
  FAKE_AZURE_KEY,
  FAKE_AZURE_TEXT,
  type FakeAzure,
  startFakeAzure,
} from '../support/fake-azure.js';
import { createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

/** What the client asks for; the account sends it to the deployment `prod-4o`, which runs gpt-4o. */
const MODEL = 'gpt-4o';
const DEPLOYMENT = 'prod-4o';
const DEPLOYMENTS = { [DEPLOYMENT]: 'gpt-4o-2024-11-20' };
const USAGE = { promptTokens: 1200, completionTokens: 300, cachedTokens: 1000 };
/** Azure, like OpenAI, counts cached tokens inside the prompt tokens. */
const LEDGER_USAGE = {
  input: 200,
  cacheRead: 1000,
  output: 300,
  reasoning: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
};

let conversation = 0;
/** A new conversation each time: a repeated one would stay pinned to the account that served it. */
function messages(): OpenAI.Chat.ChatCompletionMessageParam[] {
  conversation += 1;
  return [{ role: 'user', content: `Say hello (${conversation})` }];
}

async function createAzureAccount(
  relay: TestRelay,
  baseUrl: string,
  overrides: Partial<CreateAccountInput> = {},
) {
  return relay.server.services.accounts.create({
    type: 'azure-openai',
    name: 'azure',
    baseUrl,
    credentials: { apiKey: FAKE_AZURE_KEY },
    deployments: { [MODEL]: DEPLOYMENT },
    ...overrides,
  });
}

async function lastEntry(relay: TestRelay) {
  await settled(relay);
  const [entry] = await relay.server.services.requestLog.recent(1);
  return entry;
}

/** gpt-4o at the relay's quote on the azure platform, in micro-USD. */
function expectedCost(relay: TestRelay) {
  const quote = relay.server.services.pricing.quote(
    'azure',
    MODEL,
    LEDGER_USAGE.input + LEDGER_USAGE.cacheRead,
  );
  if (!quote) throw new Error(`no price for ${MODEL}`);
  const { prices } = quote;
  const micros =
    LEDGER_USAGE.input * prices.input +
    LEDGER_USAGE.cacheRead * prices.cacheRead +
    LEDGER_USAGE.output * prices.output;
  return { prices, costMicros: Math.round(micros) };
}

/** A fake Azure resource, a relay with one azure-openai account on it, and an SDK client on `/azure/v1`. */
function azureSetup(account: Partial<CreateAccountInput>) {
  const setup = {} as { fake: FakeAzure; relay: TestRelay; client: OpenAI; accountId: string; keyId: string };
  beforeAll(async () => {
    setup.fake = await startFakeAzure({ deployments: DEPLOYMENTS });
    setup.relay = await startTestRelay();
    setup.accountId = (await createAzureAccount(setup.relay, setup.fake.url, account)).id;
    const issued = await createKey(setup.relay, { platforms: ['azure'] });
    setup.keyId = issued.key.id;
    setup.client = new OpenAI({
      apiKey: issued.plaintext,
      baseURL: `${setup.relay.url}/azure/v1`,
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await setup.relay?.stop();
    await setup.fake?.close();
  });
  beforeEach(() => {
    setup.fake.reset();
    setup.fake.usage = { ...USAGE };
  });
  return setup;
}

describe('an azure-openai account on the v1 API', () => {
  const setup = azureSetup({});

  it('answers chat completions, sending the deployment as the model, and records gpt-4o priced', async () => {
    const { client, fake, relay } = setup;
    const completion = await client.chat.completions.create({ model: MODEL, messages: messages() });
    expect(completion.choices[0]?.message.content).toBe(FAKE_AZURE_TEXT);
    expect(completion.model).toBe('gpt-4o-2024-11-20');
    // Azure's own fields pass through.
    expect((completion as unknown as Record<string, unknown>).prompt_filter_results).toHaveLength(1);

    const upstream = fake.requests[0];
    expect(upstream).toMatchObject({ method: 'POST', path: '/openai/v1/chat/completions', query: {} });
    expect(upstream?.headers['api-key']).toBe(FAKE_AZURE_KEY);
    expect(upstream?.headers.authorization).toBeUndefined();
    expect(upstream?.json?.model).toBe(DEPLOYMENT);

    const entry = await lastEntry(relay);
    const { prices, costMicros } = expectedCost(relay);
    expect(costMicros).toBeGreaterThan(0);
    expect(entry).toMatchObject({
      keyId: setup.keyId,
      accountId: setup.accountId,
      platform: 'azure',
      model: MODEL,
      upstreamModel: MODEL,
      usage: LEDGER_USAGE,
      costMicros,
      prices,
      outcome: 'ok',
      stream: false,
      status: 200,
    });
    expect(entry?.priceVersion).toMatch(/^genai-prices:gpt-4o/);
  });

  it('streams chat completions with the prompt filter chunk, the usage chunk only when asked', async () => {
    const { client, fake, relay } = setup;
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create({
      model: MODEL,
      messages: messages(),
      stream: true,
    })) {
      chunks.push(chunk);
    }
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(FAKE_AZURE_TEXT);
    expect((chunks[0] as unknown as Record<string, unknown>).prompt_filter_results).toBeDefined();
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    // The relay asked for usage upstream on the client's behalf, so the ledger has the exact tokens.
    expect(fake.requests[0]?.json?.stream_options).toEqual({ include_usage: true });
    expect(await lastEntry(relay)).toMatchObject({ platform: 'azure', usage: LEDGER_USAGE, stream: true });

    const withUsage: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create({
      model: MODEL,
      messages: messages(),
      stream: true,
      stream_options: { include_usage: true },
    })) {
      withUsage.push(chunk);
    }
    const last = withUsage.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 1200, completion_tokens: 300 });
  });

  it("answers on the old relay's paths too: a base URL of <relay>/azure", async () => {
    const { fake, relay } = setup;
    const client = new OpenAI({
      apiKey: (await createKey(relay, { platforms: ['azure'] })).plaintext,
      baseURL: `${relay.url}/azure`,
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({ model: MODEL, messages: messages() });
    expect(completion.choices[0]?.message.content).toBe(FAKE_AZURE_TEXT);
    const response = await client.responses.create({ model: MODEL, input: 'Say hello' });
    expect(response.output_text).toBeTruthy();
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/openai/v1/chat/completions',
      '/openai/v1/responses',
    ]);
  });

  it('answers the Responses API on /azure/v1/responses', async () => {
    const { client, fake, relay } = setup;
    const response = await client.responses.create({ model: MODEL, input: 'Say hello' });
    expect(response.output_text).toBe(FAKE_AZURE_TEXT);
    expect(fake.requests[0]).toMatchObject({ path: '/openai/v1/responses', query: {} });
    expect(fake.requests[0]?.json).toEqual({ model: DEPLOYMENT, input: 'Say hello' });
    expect(await lastEntry(relay)).toMatchObject({
      platform: 'azure',
      model: MODEL,
      usage: LEDGER_USAGE,
      outcome: 'ok',
    });
  });

  it('passes a content-filter refusal back as Azure gave it, and the account stays in service', async () => {
    const { client, fake, relay } = setup;
    fake.enqueue({ kind: 'content-filter' });
    const failure = await client.chat.completions.create({ model: MODEL, messages: messages() }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    const error = failure as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error.status).toBe(400);
    expect(error.code).toBe('content_filter');
    expect(error.param).toBe('prompt');
    expect(error.message).toBe(`400 ${AZURE_CONTENT_FILTER_MESSAGE}`);
    expect(error.error).toMatchObject({
      details: {
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: AZURE_CONTENT_FILTER_RESULT,
        },
      },
    });
    // Another account would refuse the same prompt: no failover, no change of state.
    expect(fake.requests).toHaveLength(1);
    expect((await relay.server.services.health.state(setup.accountId, 'azure')).kind).toBe('active');
    expect(await lastEntry(relay)).toMatchObject({ status: 400, outcome: 'upstream_error' });

    // And the next request is served by the same account.
    const completion = await client.chat.completions.create({ model: MODEL, messages: messages() });
    expect(completion.choices[0]?.message.content).toBe(FAKE_AZURE_TEXT);
  });

  it('passes an unknown deployment back as a 404 DeploymentNotFound', async () => {
    const { client, relay } = setup;
    const failure = await client.chat.completions
      .create({ model: 'gpt-4.1-nano', messages: messages() })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect((failure as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('DeploymentNotFound');
    expect((await relay.server.services.health.state(setup.accountId, 'azure')).kind).toBe('active');
  });
});

describe('an azure-openai account on a dated api-version', () => {
  const setup = azureSetup({ apiVersion: '2025-04-01-preview' });

  it('names the deployment in the chat path with the api-version, the body as the client sent it', async () => {
    const { client, fake, relay } = setup;
    const completion = await client.chat.completions.create({ model: MODEL, messages: messages() });
    expect(completion.choices[0]?.message.content).toBe(FAKE_AZURE_TEXT);
    expect(fake.requests[0]).toMatchObject({
      path: `/openai/deployments/${DEPLOYMENT}/chat/completions`,
      query: { 'api-version': '2025-04-01-preview' },
    });
    expect(fake.requests[0]?.json?.model).toBe(MODEL);
    expect(await lastEntry(relay)).toMatchObject({ platform: 'azure', model: MODEL, usage: LEDGER_USAGE });
  });

  it('streams chat completions from the deployment path', async () => {
    const { client, fake, relay } = setup;
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create({
      model: MODEL,
      messages: messages(),
      stream: true,
      stream_options: { include_usage: true },
    })) {
      chunks.push(chunk);
    }
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(FAKE_AZURE_TEXT);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 1200, completion_tokens: 300 });
    expect(fake.requests[0]?.path).toBe(`/openai/deployments/${DEPLOYMENT}/chat/completions`);
    expect(await lastEntry(relay)).toMatchObject({ usage: LEDGER_USAGE, stream: true, estimated: false });
  });

  it('sends Responses to /openai/responses with the api-version, the deployment as the model', async () => {
    const { client, fake } = setup;
    const response = await client.responses.create({ model: MODEL, input: 'Say hello' });
    expect(response.output_text).toBe(FAKE_AZURE_TEXT);
    expect(fake.requests[0]).toMatchObject({
      path: '/openai/responses',
      query: { 'api-version': '2025-04-01-preview' },
    });
    expect(fake.requests[0]?.json?.model).toBe(DEPLOYMENT);
  });
});

describe('azure-openai failover', () => {
  const TOKEN = 'entra-id-token-for-b';
  let limited: FakeAzure;
  let healthy: FakeAzure;
  let relay: TestRelay;
  let client: OpenAI;
  let limitedId: string;
  let healthyId: string;

  beforeAll(async () => {
    limited = await startFakeAzure({ deployments: DEPLOYMENTS });
    healthy = await startFakeAzure({ deployments: DEPLOYMENTS, apiKey: 'unused', bearerToken: TOKEN });
    relay = await startTestRelay();
    // The rate-limited account has the better priority: every request tries it first while it is in service.
    limitedId = (await createAzureAccount(relay, limited.url, { name: 'A', priority: 1 })).id;
    healthyId = (
      await createAzureAccount(relay, healthy.url, {
        name: 'B',
        priority: 2,
        apiVersion: '2024-10-21',
        authHeader: 'bearer',
        credentials: { apiKey: TOKEN },
      })
    ).id;
    const issued = await createKey(relay);
    client = new OpenAI({ apiKey: issued.plaintext, baseURL: `${relay.url}/azure/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await relay.stop();
    await limited.close();
    await healthy.close();
  });
  afterEach(async () => {
    limited.reset();
    healthy.reset();
    await relay.server.services.health.reset(limitedId, 'azure');
  });

  it('rate-limits an account answering 429 until its retry-after, and serves the request from another', async () => {
    limited.enqueue({ kind: 'rate-limit', retryAfterSeconds: 30, retryAfterMs: 29_500 });
    const startedAt = Date.now();
    const completion = await client.chat.completions.create({ model: MODEL, messages: messages() });
    expect(completion.choices[0]?.message.content).toBe(FAKE_AZURE_TEXT);
    expect(limited.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(1);
    // B speaks the versioned API with an Entra ID token.
    expect(healthy.requests[0]).toMatchObject({
      path: `/openai/deployments/${DEPLOYMENT}/chat/completions`,
      query: { 'api-version': '2024-10-21' },
    });
    expect(healthy.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(healthy.requests[0]?.headers['api-key']).toBeUndefined();

    const state = await relay.server.services.health.state(limitedId, 'azure');
    expect(state.kind).toBe('rate_limited');
    expect(state.until).toBeGreaterThanOrEqual(startedAt + 29_000);
    expect(state.until).toBeLessThanOrEqual(Date.now() + 31_000);
    const entry = await lastEntry(relay);
    expect(entry).toMatchObject({ accountId: healthyId, platform: 'azure', outcome: 'ok' });

    // While A rests, requests go straight to B.
    await client.chat.completions.create({ model: MODEL, messages: messages() });
    expect(limited.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(2);
  });

  it('rests the account for retry-after-ms when that is all the 429 says', async () => {
    limited.enqueue({ kind: 'rate-limit', retryAfterMs: 12_000 });
    const startedAt = Date.now();
    await client.chat.completions.create({ model: MODEL, messages: messages() });
    const state = await relay.server.services.health.state(limitedId, 'azure');
    expect(state.kind).toBe('rate_limited');
    expect(state.until).toBeGreaterThanOrEqual(startedAt + 12_000);
    expect(state.until).toBeLessThanOrEqual(Date.now() + 12_000);
  });
});
