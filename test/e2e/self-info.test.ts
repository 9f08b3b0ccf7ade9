// A key holder asks the relay about its own key with nothing but the key: its settings and limits, its spend
// against each limit with the reset times, and who it is. Another key's data, account ids, the key's hash and
// owner never appear; a missing, unknown or disabled key gets a 401 in the format of the path's clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/http.js';
import { createKey, type RelayWithAccount, settled, startRelayWithAccount } from '../support/relay.js';

describe('self-info routes', () => {
  let env: RelayWithAccount;
  let key: string;
  let keyId: string;
  let otherKeyId: string;

  beforeAll(async () => {
    env = await startRelayWithAccount();
    const account = (await env.relay.server.services.accounts.list({ limit: 10 })).items[0];
    const issued = await createKey(env.relay, {
      name: 'holder key',
      platforms: ['claude'],
      limits: { dailyCostMicros: 5_000_000, concurrency: 3 },
      ...(account ? { bindings: { claude: { accountId: account.id } } } : {}),
    });
    key = issued.plaintext;
    keyId = issued.key.id;
    otherKeyId = (await createKey(env.relay, { name: 'someone else' })).key.id;
    // One served request, so the spend is not zero.
    const served = await rawRequest(`${env.relay.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(served.status).toBe(200);
    await settled(env.relay);
  });
  afterAll(async () => {
    await env.stop();
  });

  const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${key}` }) =>
    rawRequest(`${env.relay.url}${path}`, { method: 'GET', headers });

  it('key-info: the key, its limits and its spend with reset times, under every base path', async () => {
    for (const base of ['/v1', '/api/v1', '/claude/v1', '/openai/v1', '/openai']) {
      const response = await get(`${base}/key-info`);
      expect(response.status, base).toBe(200);
      const body = JSON.parse(response.body) as {
        key: Record<string, unknown>;
        usage: {
          keyId: string;
          costs: { name: string; spentMicros: number; limitMicros?: number; resetsAt?: number }[];
        };
      };
      expect(body.key).toMatchObject({
        id: keyId,
        name: 'holder key',
        platforms: ['claude'],
        limits: { dailyCostMicros: 5_000_000, concurrency: 3 },
        boundPlatforms: ['claude'],
      });
      expect(body.key).not.toHaveProperty('hash');
      expect(body.key).not.toHaveProperty('bindings');
      expect(body.usage.keyId).toBe(keyId);
      const daily = body.usage.costs.find((cost) => cost.name === 'daily');
      expect(daily?.limitMicros).toBe(5_000_000);
      expect(daily?.spentMicros).toBeGreaterThan(0);
      expect(daily?.resetsAt).toBeGreaterThan(Date.now());
      expect(response.body).not.toContain(otherKeyId);
    }
  });

  it('usage: the spend against each limit, with the concurrency in flight', async () => {
    const response = await get('/v1/usage', { 'x-api-key': key });
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body) as {
      object: string;
      keyId: string;
      concurrency: { limit: number };
    };
    expect(body).toMatchObject({ object: 'usage', keyId, concurrency: { inFlight: 0, limit: 3 } });
  });

  it('me: who the key is', async () => {
    const response = await get('/v1/me');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      id: keyId,
      type: 'api_key',
      display_name: 'holder key',
    });
  });

  it('refuses a missing, unknown or disabled key with a 401 in the path clients’ format', async () => {
    const missing = await get('/v1/key-info', {});
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
    const unknown = await get('/openai/v1/usage', {
      authorization: 'Bearer cr_unknown_key_0000000000000000',
    });
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: { type: 'invalid_request_error' } });
    const disabled = await createKey(env.relay, { name: 'disabled', enabled: false });
    const refused = await get('/v1/me', { 'x-api-key': disabled.plaintext });
    expect(refused.status).toBe(401);
    expect(refused.body).not.toContain(disabled.key.id);
  });
});
