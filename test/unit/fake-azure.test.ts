// The fake Azure OpenAI resource refuses and answers as Azure does, so tests through the relay mean something:
// keys, api-versions and deployments checked; Azure's stream shape; scripted 429 and content-filter answers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_AZURE_KEY, FAKE_AZURE_TEXT, type FakeAzure, startFakeAzure } from '../support/fake-azure.js';
import { parseSseFrames } from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';

describe('the fake Azure OpenAI resource', () => {
  let fake: FakeAzure;

  beforeAll(async () => {
    fake = await startFakeAzure({ deployments: { 'prod-4o': 'gpt-4o-2024-11-20' }, bearerToken: 'entra' });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const post = (path: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    rawRequest(`${fake.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': FAKE_AZURE_KEY, ...headers },
      body: JSON.stringify(body),
    });
  const chat = { messages: [{ role: 'user', content: 'hi' }] };
  const errorOf = (body: string) => (JSON.parse(body) as { error: Record<string, unknown> }).error;

  it('checks the key, or an Entra ID bearer token', async () => {
    const wrong = await post(
      '/openai/v1/chat/completions',
      { model: 'prod-4o', ...chat },
      { 'api-key': 'nope' },
    );
    expect(wrong.status).toBe(401);
    expect(errorOf(wrong.body).code).toBe('401');
    const bearer = await rawRequest(`${fake.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer entra' },
      body: JSON.stringify({ model: 'prod-4o', ...chat }),
    });
    expect(bearer.status).toBe(200);
  });

  it('answers 404 Resource not found without a dated api-version on versioned paths, or with one on v1', async () => {
    const missing = await post('/openai/deployments/prod-4o/chat/completions', chat);
    expect(missing.status).toBe(404);
    expect(errorOf(missing.body)).toEqual({ code: '404', message: 'Resource not found' });
    expect(
      (await post('/openai/responses?api-version=preview', { model: 'prod-4o', input: 'x' })).status,
    ).toBe(404);
    expect(
      (await post('/openai/v1/chat/completions?api-version=2024-10-21', { model: 'prod-4o', ...chat }))
        .status,
    ).toBe(404);
    expect(
      (await post('/openai/v1/chat/completions?api-version=preview', { model: 'prod-4o', ...chat })).status,
    ).toBe(200);
    expect(
      (await post('/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21', chat)).status,
    ).toBe(200);
  });

  it('answers 404 DeploymentNotFound for a deployment the resource does not have', async () => {
    const answer = await post('/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21', chat);
    expect(answer.status).toBe(404);
    expect(errorOf(answer.body).code).toBe('DeploymentNotFound');
    const v1 = await post('/openai/v1/responses', { model: 'gpt-4o', input: 'x' });
    expect(v1.status).toBe(404);
    expect(errorOf(v1.body).code).toBe('DeploymentNotFound');
  });

  it('streams as Azure does: the prompt filter chunk first, the usage chunk only when asked', async () => {
    const dataOf = (body: string) =>
      parseSseFrames(body)
        .map((frame) => frame.data)
        .filter((data) => data !== '[DONE]')
        .map((data) => JSON.parse(data) as Record<string, unknown>);
    const plain = dataOf(
      (await post('/openai/v1/chat/completions', { model: 'prod-4o', stream: true, ...chat })).body,
    );
    expect(plain[0]).toMatchObject({ choices: [], id: '', model: '' });
    expect(plain[0]?.prompt_filter_results).toHaveLength(1);
    expect(plain.some((chunk) => chunk.usage)).toBe(false);
    const text = plain
      .flatMap((chunk) => chunk.choices as Array<{ delta?: { content?: string } }>)
      .map((choice) => choice.delta?.content ?? '')
      .join('');
    expect(text).toBe(FAKE_AZURE_TEXT);

    const counted = dataOf(
      (
        await post('/openai/v1/chat/completions', {
          model: 'prod-4o',
          stream: true,
          stream_options: { include_usage: true },
          ...chat,
        })
      ).body,
    );
    expect(counted.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 21, completion_tokens: 9 } });
  });

  it('answers scripted 429s and content-filter refusals, then the default again', async () => {
    fake.enqueue(
      { kind: 'rate-limit', retryAfterSeconds: 3, retryAfterMs: 2500 },
      { kind: 'content-filter' },
    );
    const limited = await post('/openai/v1/chat/completions', { model: 'prod-4o', ...chat });
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject({
      'retry-after': '3',
      'retry-after-ms': '2500',
      'x-ratelimit-remaining-tokens': '0',
    });
    const filtered = await post('/openai/v1/chat/completions', { model: 'prod-4o', ...chat });
    expect(filtered.status).toBe(400);
    expect(errorOf(filtered.body)).toMatchObject({
      type: null,
      param: 'prompt',
      code: 'content_filter',
      status: 400,
      innererror: { code: 'ResponsibleAIPolicyViolation' },
    });
    const ok = await post('/openai/v1/chat/completions', { model: 'prod-4o', ...chat });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-ratelimit-remaining-requests']).toBe('119');
    expect(fake.requests.map((request) => request.deployment)).toEqual(['prod-4o', 'prod-4o', 'prod-4o']);
  });
});
