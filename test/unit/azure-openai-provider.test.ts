// The azure-openai provider: where its calls go for each api-version style (v1, preview, dated), what they carry
// (the api-key or an Entra ID bearer, the client's allowed headers, the deployment as path or model), how Azure's
// errors read (a content-filter refusal is the request's fault and keeps its code, param and verdict), and its
// rate-limit headers.
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { openaiErrorShape } from '../../src/errors/shapes.js';
import type { FormatName } from '../../src/relay/formats/relay-format.js';
import { readAzureRateLimits } from '../../src/relay/providers/azure/provider.js';
import { providerFor, typesServing } from '../../src/relay/providers/registry.js';
import {
  accountFault,
  transitionFor,
  type UpstreamSignal,
} from '../../src/services/accounts/account-signals.js';
import {
  type AccountRuntime,
  CREDENTIAL_OF,
  createAccountInputSchema,
  DEFAULT_AUTH_HEADER,
  defaultBaseUrl,
  missingSecrets,
  PLATFORM_OF,
  type StoredAccount,
} from '../../src/services/accounts/account-types.js';

const KEY = 'azure-resource-key';
const provider = providerFor('azure-openai');

function runtime(overrides: Partial<StoredAccount> = {}): AccountRuntime {
  const account: StoredAccount = {
    id: 'acc_azure',
    type: 'azure-openai',
    platform: 'azure',
    name: 'azure',
    baseUrl: 'https://contoso.openai.azure.com',
    authHeader: 'x-api-key',
    priority: 50,
    weight: 1,
    maxConcurrency: 0,
    schedulable: true,
    dedicated: false,
    modelMapping: {},
    supportedModels: [],
    state: { kind: 'active' },
    sealedSecrets: '',
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
  return { account, secrets: { apiKey: KEY } };
}

interface CallOptions {
  format?: FormatName;
  model?: string;
  body?: Record<string, unknown>;
  stream?: boolean;
  query?: string;
  headers?: IncomingHttpHeaders;
}

async function build(account: Partial<StoredAccount>, options: CallOptions = {}) {
  const model = options.model ?? 'gpt-4o';
  const body = Buffer.from(
    JSON.stringify(options.body ?? { model, messages: [{ role: 'user', content: 'hi' }] }),
  );
  const request = await provider.buildCall({
    runtime: runtime(account),
    format: options.format ?? 'openai-chat',
    operation: 'generate',
    clientHeaders: options.headers ?? { 'content-type': 'application/json' },
    body,
    model,
    stream: options.stream ?? false,
    query: options.query ?? '',
    modelId: undefined,
    ask: () => Promise.reject(new Error('the Azure provider asks nothing before its call')),
    credential: () => KEY,
  });
  return { ...request, json: request.body ? JSON.parse(request.body.toString('utf8')) : undefined };
}

describe('the azure-openai account kind', () => {
  it('is an api-key kind of the azure pool with no default endpoint, sending the api-key header by default', () => {
    expect(PLATFORM_OF['azure-openai']).toBe('azure');
    expect(CREDENTIAL_OF['azure-openai']).toBe('api-key');
    expect(DEFAULT_AUTH_HEADER['azure-openai']).toBe('x-api-key');
    expect(defaultBaseUrl('azure-openai', undefined)).toBeUndefined();
    expect(missingSecrets('azure-openai', {})).toEqual(['credentials.apiKey']);
    expect(missingSecrets('azure-openai', { apiKey: KEY })).toEqual([]);
  });

  it('serves both OpenAI formats, generation only, and takes an output cap', () => {
    expect(provider.formats).toEqual(['openai-chat', 'openai-responses']);
    expect([...provider.operations]).toEqual(['generate']);
    expect(provider.acceptsOutputCap).toBe(true);
    expect(typesServing('openai-chat', 'generate')).toContain('azure-openai');
    expect(typesServing('openai-responses', 'generate')).toContain('azure-openai');
    expect(typesServing('anthropic', 'generate')).not.toContain('azure-openai');
  });

  it('validates api-version and deployment names', () => {
    const base = { type: 'azure-openai', name: 'a', credentials: { apiKey: KEY } } as const;
    for (const apiVersion of ['2024-10-21', '2025-04-01-preview', 'preview', 'latest', 'v1']) {
      expect(createAccountInputSchema.safeParse({ ...base, apiVersion }).success).toBe(true);
    }
    for (const apiVersion of ['2024-10', 'v2', '2024-10-21&x=1', '']) {
      expect(createAccountInputSchema.safeParse({ ...base, apiVersion }).success).toBe(false);
    }
    expect(
      createAccountInputSchema.safeParse({ ...base, deployments: { 'gpt-4o': 'prod-4o.v2_a' } }).success,
    ).toBe(true);
    expect(createAccountInputSchema.safeParse({ ...base, deployments: { 'gpt-4o': 'a/b' } }).success).toBe(
      false,
    );
    expect(createAccountInputSchema.safeParse({ ...base, deployments: { 'gpt-4o': '' } }).success).toBe(
      false,
    );
  });
});

describe('Azure OpenAI paths', () => {
  it('uses the v1 API without a version when apiVersion is unset or v1, the deployment named in the body', async () => {
    for (const apiVersion of [undefined, 'v1']) {
      const chat = await build({ apiVersion, deployments: { 'gpt-4o': 'prod-4o' } });
      expect(chat.origin).toBe('https://contoso.openai.azure.com');
      expect(chat.path).toBe('/openai/v1/chat/completions');
      expect(chat.method).toBe('POST');
      expect(chat.json.model).toBe('prod-4o');
      const responses = await build(
        { apiVersion, deployments: { 'gpt-4o': 'prod-4o' } },
        { format: 'openai-responses', body: { model: 'gpt-4o', input: 'hi' } },
      );
      expect(responses.path).toBe('/openai/v1/responses');
      expect(responses.json).toEqual({ model: 'prod-4o', input: 'hi' });
    }
  });

  it('sends a model without a deployment entry to the deployment of its name, body bytes untouched', async () => {
    const raw = '{"model":"gpt-4o-mini",  "messages":[{"role":"user","content":"hi"}]}';
    const request = await provider.buildCall({
      runtime: runtime({ deployments: { 'gpt-4o': 'prod-4o' } }),
      format: 'openai-chat',
      operation: 'generate',
      clientHeaders: {},
      body: Buffer.from(raw),
      model: 'gpt-4o-mini',
      stream: false,
      query: '',
      modelId: undefined,
      ask: () => Promise.reject(new Error('the Azure provider asks nothing before its call')),
      credential: () => KEY,
    });
    expect(request.body?.toString('utf8')).toBe(raw);
  });

  it('asks the v1 API for preview or latest as the api-version', async () => {
    expect((await build({ apiVersion: 'preview' })).path).toBe(
      '/openai/v1/chat/completions?api-version=preview',
    );
    expect((await build({ apiVersion: 'latest' }, { format: 'openai-responses' })).path).toBe(
      '/openai/v1/responses?api-version=latest',
    );
  });

  it('names the deployment in the path for a dated api-version, leaving the body as the client sent it', async () => {
    const chat = await build(
      { apiVersion: '2024-10-21', deployments: { 'gpt-4o': 'my deployment' } },
      { body: { model: 'gpt-4o', messages: [] } },
    );
    expect(chat.path).toBe('/openai/deployments/my%20deployment/chat/completions?api-version=2024-10-21');
    expect(chat.json.model).toBe('gpt-4o');
    // The versioned Responses API has no deployment segment: the body names it.
    const responses = await build(
      { apiVersion: '2025-04-01-preview', deployments: { 'gpt-4o': 'prod-4o' } },
      { format: 'openai-responses', body: { model: 'gpt-4o', input: 'hi' } },
    );
    expect(responses.path).toBe('/openai/responses?api-version=2025-04-01-preview');
    expect(responses.json.model).toBe('prod-4o');
  });

  it("keeps the client's query but not its api-version: the account knows what its resource speaks", async () => {
    expect(
      (await build({ apiVersion: '2024-10-21' }, { query: '?api-version=2023-05-15&trace=1' })).path,
    ).toBe('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21&trace=1');
    expect((await build({}, { query: '?api-version=2023-05-15' })).path).toBe('/openai/v1/chat/completions');
    expect((await build({}, { query: '?trace=1' })).path).toBe('/openai/v1/chat/completions?trace=1');
  });

  it('reads a base URL given as the SDK endpoint (…/openai/v1) as the resource, and keeps a gateway prefix', async () => {
    expect((await build({ baseUrl: 'https://contoso.openai.azure.com/openai/v1' })).path).toBe(
      '/openai/v1/chat/completions',
    );
    expect((await build({ baseUrl: 'https://contoso.openai.azure.com/openai' })).path).toBe(
      '/openai/v1/chat/completions',
    );
    const gateway = await build({ baseUrl: 'https://gateway.example.com/aoai', apiVersion: '2024-10-21' });
    expect(gateway.origin).toBe('https://gateway.example.com');
    expect(gateway.path).toBe('/aoai/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
  });
});

describe('Azure OpenAI headers', () => {
  const client: IncomingHttpHeaders = {
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': 'OpenAI/JS 6.0.0',
    'x-stainless-lang': 'js',
    'x-stainless-retry-count': '0',
    authorization: 'Bearer cr_relay_key',
    'api-key': 'cr_relay_key',
    'x-api-key': 'cr_relay_key',
    cookie: 'a=b',
    'accept-encoding': 'gzip, br',
  };

  it("sends the key as api-key and the client's own description, never the relay key", async () => {
    const { headers } = await build({}, { headers: client });
    expect(headers).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'OpenAI/JS 6.0.0',
      'x-stainless-lang': 'js',
      'x-stainless-retry-count': '0',
      'accept-encoding': 'gzip, br',
      'api-key': KEY,
    });
  });

  it('sends an Entra ID token as a bearer when the account says bearer', async () => {
    const { headers } = await build({ authHeader: 'bearer' }, { headers: client });
    expect(headers.authorization).toBe(`Bearer ${KEY}`);
    expect(headers['api-key']).toBeUndefined();
  });

  it('asks for streams uncompressed and defaults the content type', async () => {
    const { headers } = await build({}, { headers: { 'accept-encoding': 'gzip' }, stream: true });
    expect(headers['accept-encoding']).toBe('identity');
    expect(headers['content-type']).toBe('application/json');
  });
});

const CONTENT_FILTER_MESSAGE =
  "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify " +
  'your prompt and retry. To learn more about our content filtering policies please read our documentation: ' +
  'https://go.microsoft.com/fwlink/?linkid=2198766';

const CONTENT_FILTER_BODY = {
  error: {
    message: CONTENT_FILTER_MESSAGE,
    type: null,
    param: 'prompt',
    code: 'content_filter',
    status: 400,
    innererror: {
      code: 'ResponsibleAIPolicyViolation',
      content_filter_result: {
        hate: { filtered: false, severity: 'safe' },
        jailbreak: { filtered: false, detected: false },
        self_harm: { filtered: false, severity: 'safe' },
        sexual: { filtered: false, severity: 'safe' },
        violence: { filtered: true, severity: 'medium' },
      },
    },
  },
};

describe('Azure OpenAI errors', () => {
  it('passes a content-filter refusal on as a 400 with its message, code, param and verdict', () => {
    const error = provider.httpError(400, Buffer.from(JSON.stringify(CONTENT_FILTER_BODY)), {});
    expect(error.httpStatus).toBe(400);
    expect(error.message).toBe(CONTENT_FILTER_MESSAGE);
    expect(openaiErrorShape.body(error, 'req_1')).toEqual({
      error: {
        message: CONTENT_FILTER_MESSAGE,
        type: 'invalid_request_error',
        param: 'prompt',
        code: 'content_filter',
        details: { upstreamStatus: 400, innererror: CONTENT_FILTER_BODY.error.innererror },
      },
    });
  });

  it('does not blame the account for a content-filter refusal, but does for 429, 401 and quota 400s', () => {
    const answered = (status: number, message: string): UpstreamSignal => ({
      kind: 'answered',
      status,
      headers: {},
      message,
    });
    expect(accountFault(answered(400, CONTENT_FILTER_MESSAGE))).toBeUndefined();
    expect(
      transitionFor(answered(400, CONTENT_FILTER_MESSAGE), 'gpt-4o', 0, {
        overloadCooldownMs: 1,
        errorCooldownMs: 1,
        rateLimitDefaultMs: 1,
        quotaCooldownMs: 1,
      }),
    ).toBeUndefined();
    expect(
      accountFault(answered(404, 'The API deployment for this resource does not exist.')),
    ).toBeUndefined();
    expect(accountFault(answered(429, 'Requests ... have exceeded token rate limit'))).toBe('rate_limited');
    expect(accountFault(answered(401, 'Access denied due to invalid subscription key'))).toBe('auth');
    expect(accountFault(answered(400, 'Insufficient quota for this deployment'))).toBe('quota');
  });

  it('reads a DeploymentNotFound 404 as a request error keeping its code', () => {
    const body = {
      error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' },
    };
    const error = provider.httpError(404, Buffer.from(JSON.stringify(body)), {});
    expect(error.httpStatus).toBe(404);
    expect(openaiErrorShape.body(error, 'req_1')).toMatchObject({
      error: { type: 'invalid_request_error', code: 'DeploymentNotFound' },
    });
  });

  it('keeps a 429 retryable with its retry-after', () => {
    const body = { error: { code: '429', message: 'Requests ... Please retry after 7 seconds.' } };
    const error = provider.httpError(429, Buffer.from(JSON.stringify(body)), { 'retry-after': '7' });
    expect(error).toMatchObject({ httpStatus: 429, retryable: true, retryAfterSeconds: 7 });
  });
});

describe('Azure OpenAI rate-limit headers', () => {
  const now = 1_000_000;
  const settings = {
    overloadCooldownMs: 1,
    errorCooldownMs: 1,
    rateLimitDefaultMs: 60_000,
    quotaCooldownMs: 1,
  };

  it('reads headroom from the remaining counts, with or without their limits', () => {
    expect(readAzureRateLimits({}, now)).toBeUndefined();
    expect(
      readAzureRateLimits(
        { 'x-ratelimit-remaining-requests': '119', 'x-ratelimit-remaining-tokens': '119000' },
        now,
      ),
    ).toEqual({ low: false, resetAt: undefined });
    expect(readAzureRateLimits({ 'x-ratelimit-remaining-tokens': '0' }, now)?.low).toBe(true);
    expect(
      readAzureRateLimits({ 'x-ratelimit-remaining-requests': '5', 'x-ratelimit-limit-requests': '100' }, now)
        ?.low,
    ).toBe(true);
  });

  it('rests a rate-limited account until retry-after, else retry-after-ms', () => {
    const signal = (headers: IncomingHttpHeaders): UpstreamSignal => ({
      kind: 'answered',
      status: 429,
      headers,
      limits: readAzureRateLimits(headers, now),
    });
    const both = { 'retry-after': '7', 'retry-after-ms': '6500', 'x-ratelimit-remaining-tokens': '0' };
    expect(readAzureRateLimits(both, now)).toEqual({ low: true, resetAt: now + 6500 });
    expect(transitionFor(signal(both), 'gpt-4o', now, settings)).toMatchObject({
      to: 'rate_limited',
      until: now + 7000,
    });
    expect(transitionFor(signal({ 'retry-after-ms': '4200' }), 'gpt-4o', now, settings)).toMatchObject({
      to: 'rate_limited',
      until: now + 4200,
    });
    expect(transitionFor(signal({}), 'gpt-4o', now, settings)).toMatchObject({ until: now + 60_000 });
  });
});
