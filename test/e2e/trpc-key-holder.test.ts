// Key holders on the tRPC control plane: with nothing but their relay key (as `x-api-key`) they read that key,
// its live limits and its usage after real relayed traffic, and reach no other procedure and no other key.

import type { AnyTRPCProcedure } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayTrpcClient, type RelayTrpcClient } from '../../clients/trpc.js';
import { appRouter } from '../../src/trpc/router.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { settled, startTestRelay, type TestRelay } from '../support/relay.js';
import { refusal } from '../support/trpc.js';

const UPSTREAM_KEY = 'sk-ant-test';
const HOLDER_PROCEDURES = new Set(['me.key', 'me.limits', 'me.usage']);
const OPEN_PROCEDURES = new Set(['auth.login', 'auth.refresh']);

describe('key holders over tRPC', () => {
  let upstream: FakeUpstream;
  let relay: TestRelay;
  let admin: RelayTrpcClient;
  let holder: RelayTrpcClient;
  let keyId = '';
  let plaintext = '';
  const holding = (secret: string) => createRelayTrpcClient(relay.url, () => ({ 'x-api-key': secret }));

  beforeAll(async () => {
    upstream = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
    relay = await startTestRelay();
    let token = '';
    admin = createRelayTrpcClient(relay.url, () => ({ authorization: `Bearer ${token}` }));
    token = (
      await createRelayTrpcClient(relay.url).auth.login.mutate({
        username: 'admin',
        password: 'test admin password',
      })
    ).accessToken;
    const account = await admin.accounts.create.mutate({
      type: 'claude-console',
      name: 'fake',
      baseUrl: upstream.url,
      credentials: { apiKey: UPSTREAM_KEY },
    });
    const issued = await admin.apiKeys.create.mutate({
      name: 'holder',
      limits: { concurrency: 2, dailyCostMicros: 5_000_000 },
      bindings: { claude: { accountId: account.id } },
    });
    keyId = issued.key.id;
    plaintext = issued.plaintext;
    holder = holding(plaintext);
  });
  afterAll(async () => {
    await relay?.stop();
    await upstream?.close();
  });

  it('reads its own key, limits and usage after relayed traffic', async () => {
    const relayed = await fetch(`${relay.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': plaintext,
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify({
        model: 'claude-haiku-4-5',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(relayed.status).toBe(200);
    await relayed.json();
    await settled(relay);

    const key = await holder.me.key.query();
    expect(key).toMatchObject({ id: keyId, name: 'holder', limits: { concurrency: 2 } });
    expect(key).not.toHaveProperty('hash');
    const limits = await holder.me.limits.query();
    expect(limits).toMatchObject({ keyId, concurrency: { inFlight: 0, limit: 2 } });
    const daily = limits.costs.find((cost) => cost.name === 'daily');
    expect(daily).toMatchObject({ limitMicros: 5_000_000, reservedMicros: 0 });
    expect(daily?.spentMicros).toBeGreaterThan(0);
    const now = Date.now();
    const usage = await holder.me.usage.query({ granularity: 'hour', from: now - 3_600_000, to: now });
    expect(usage.totals).toMatchObject({ requests: 1 });
    expect(usage.totals.outputTokens).toBeGreaterThan(0);

    // Operators see the same numbers for the key.
    expect((await admin.usage.keyLimits.query({ keyId })).costs).toEqual(limits.costs);
    const invalid = await refusal(holder.me.usage.query({ granularity: 'hour', from: now, to: -1 }));
    expect(invalid).toMatchObject({ code: 'BAD_REQUEST', field: 'to' });
  });

  it('reaches no other procedure with the relay key', async () => {
    const all = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
    const others = Object.entries(all).filter(
      ([path]) => !HOLDER_PROCEDURES.has(path) && !OPEN_PROCEDURES.has(path),
    );
    expect(others.length).toBeGreaterThan(40);
    for (const [path, procedure] of others) {
      const query = procedure._def.type === 'query';
      const response = await fetch(`${relay.url}/trpc/${path}`, {
        method: query ? 'GET' : 'POST',
        headers: { 'x-api-key': plaintext, ...(query ? {} : { 'content-type': 'application/json' }) },
        ...(query ? {} : { body: '{}' }),
      });
      expect({ path, status: response.status }).toEqual({ path, status: 401 });
    }
    expect((await refusal(holder.apiKeys.get.query({ id: keyId }))).code).toBe('UNAUTHORIZED');
    expect((await refusal(holder.usage.keyLimits.query({ keyId }))).code).toBe('UNAUTHORIZED');

    // Another key's holder sees that key, never this one.
    const other = await admin.apiKeys.create.mutate({ name: 'other' });
    expect((await holding(other.plaintext).me.key.query()).id).toBe(other.key.id);
  });

  it('refuses unknown, disabled and rotated-away keys', async () => {
    const unknown = await refusal(holding('cr_not_a_key_of_ours').me.key.query());
    expect(unknown).toMatchObject({ code: 'UNAUTHORIZED', appCode: 'UNAUTHENTICATED' });

    // Never presented before, so no instance holds it in its key cache.
    const disabled = await admin.apiKeys.create.mutate({ name: 'off', enabled: false });
    const refused = await refusal(holding(disabled.plaintext).me.limits.query());
    expect(refused).toMatchObject({ code: 'UNAUTHORIZED', message: 'This API key is disabled' });

    const rotating = await admin.apiKeys.create.mutate({ name: 'rotating' });
    const rotated = await admin.apiKeys.rotate.mutate({ id: rotating.key.id });
    expect((await refusal(holding(rotating.plaintext).me.key.query())).code).toBe('UNAUTHORIZED');
    expect((await holding(rotated.plaintext).me.key.query()).id).toBe(rotating.key.id);
  });
});
