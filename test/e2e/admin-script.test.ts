// The example admin script (clients/examples/admin.ts) against a running relay, through each client: it
// creates an account and a key that then serve a real SDK request, and reads the day's usage.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminScriptOptions, withGraphQL, withTrpc } from '../../clients/examples/admin.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { ADMIN_PASSWORD } from '../support/graphql.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

describe('the example admin script', () => {
  let relay: TestRelay;
  let upstream: FakeUpstream;

  const ask = (apiKey: string) =>
    new Anthropic({ apiKey, baseURL: relay.url, maxRetries: 0 }).messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    relay = await startTestRelay();
    // Some traffic first, so the usage the script reads is not trivially zero.
    await createClaudeAccount(relay, upstream.url);
    await ask((await createKey(relay)).plaintext);
    await settled(relay);
  });
  afterAll(async () => {
    await relay.stop();
    await upstream.close();
  });

  const options = (label: string): AdminScriptOptions => ({
    baseUrl: relay.url,
    username: 'admin',
    password: ADMIN_PASSWORD,
    upstreamUrl: upstream.url,
    upstreamApiKey: 'sk-ant-example',
    label,
  });

  for (const [name, run] of [
    ['GraphQL', withGraphQL],
    ['tRPC', withTrpc],
  ] as const) {
    it(`creates an account and a key and reads usage through the ${name} client`, async () => {
      const result = await run(options(name));
      expect(result.usageToday.requests).toBeGreaterThanOrEqual(1);
      expect(result.usageToday.costUsd).toBeGreaterThan(0);
      const account = await relay.server.services.accounts.require(result.accountId);
      expect(account).toMatchObject({
        name: `${name} account`,
        type: 'claude-console',
        baseUrl: upstream.url,
      });
      const key = await relay.server.services.apiKeys.require(result.keyId);
      expect(key).toMatchObject({ name: `${name} key`, limits: { concurrency: 4 } });
      // The issued key works at once.
      const answer = await ask(result.plaintextKey);
      expect(answer.type).toBe('message');
    });
  }
});
