// The fake Factory gateway refuses what the real one would (no or a wrong bearer credential, no Droid client
// marker, a vendor its endpoint does not route) and otherwise answers as the vendor fake of its endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';

const KEY = 'fk-fake-factory-key';

describe('the fake Factory gateway', () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startFakeUpstream({ apiKey: KEY });
  });
  afterAll(async () => {
    await fake.close();
  });

  const droidHeaders = {
    authorization: `Bearer ${KEY}`,
    'content-type': 'application/json',
    'x-factory-client': 'cli',
    'anthropic-version': '2023-06-01',
  };
  const post = async (path: string, headers: Record<string, string>, body: unknown) => {
    const response = await fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const messages = { model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] };

  it('answers each endpoint as its vendor does once Factory’s checks pass', async () => {
    const anthropic = await post(
      '/api/llm/a/v1/messages',
      { ...droidHeaders, 'x-api-provider': 'anthropic' },
      messages,
    );
    expect(anthropic).toMatchObject({ status: 200, json: { type: 'message', role: 'assistant' } });
    const chat = await post(
      '/api/llm/o/v1/chat/completions',
      { ...droidHeaders, 'x-api-provider': 'google' },
      { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] },
    );
    expect(chat).toMatchObject({ status: 200, json: { object: 'chat.completion' } });
    const responses = await post(
      '/api/llm/o/v1/responses',
      { ...droidHeaders, 'x-api-provider': 'azure_openai' },
      { model: 'gpt-5', input: 'hi' },
    );
    expect(responses).toMatchObject({ status: 200, json: { object: 'response' } });
  });

  it('refuses a missing or wrong credential, a missing client marker and a vendor the endpoint lacks', async () => {
    const path = '/api/llm/a/v1/messages';
    const headers = { ...droidHeaders, 'x-api-provider': 'anthropic' };
    const { authorization: _dropped, ...anonymous } = headers;
    expect((await post(path, anonymous, messages)).status).toBe(401);
    expect((await post(path, { ...headers, authorization: 'Bearer fk-other' }, messages)).status).toBe(401);
    const { 'x-factory-client': _client, ...unmarked } = headers;
    expect(await post(path, unmarked, messages)).toMatchObject({
      status: 400,
      json: { error: { message: 'x-factory-client: must be cli' } },
    });
    expect(await post(path, { ...headers, 'x-api-provider': 'azure_openai' }, messages)).toMatchObject({
      status: 400,
      json: { error: { message: 'x-api-provider: azure_openai is not served here' } },
    });
    const openai = await post(
      '/api/llm/o/v1/responses',
      { ...droidHeaders, 'x-api-provider': 'anthropic' },
      { model: 'gpt-5', input: 'hi' },
    );
    expect(openai).toMatchObject({ status: 400, json: { error: { type: 'invalid_request_error' } } });
  });
});
