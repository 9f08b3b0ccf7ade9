import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { startHttpConnectProxy, startSocks5Proxy, type TestProxy } from '../support/proxies.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';

describe('per-account upstream proxies', () => {
  let fake: FakeUpstream;
  let relay: TestRelay;
  let client: Anthropic;
  const proxies: TestProxy[] = [];

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay();
    client = new Anthropic({ apiKey: (await createKey(relay)).plaintext, baseURL: relay.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await relay.stop();
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await fake.close();
  });

  const ask = () =>
    client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });

  it.each([
    ['http', startHttpConnectProxy],
    ['socks5', startSocks5Proxy],
  ] as const)('sends the account traffic through its %s proxy with credentials', async (protocol, start) => {
    const proxy = await start({ username: 'relay-user', password: 'p@ss word' });
    proxies.push(proxy);
    const account = await createClaudeAccount(relay, fake.url, {
      proxy: { protocol, host: '127.0.0.1', port: proxy.port, username: 'relay-user' },
      credentials: { apiKey: 'sk-ant-upstream-secret', proxyPassword: 'p@ss word' },
    });
    try {
      fake.reset();
      const message = await ask();
      expect(message.type).toBe('message');
      expect(proxy.tunnels).toEqual([`127.0.0.1:${fake.port}`]);
      expect(proxy.credentials).toEqual(['relay-user:p@ss word']);
      expect(fake.requests).toHaveLength(1);
    } finally {
      await relay.server.services.accounts.delete(account.id);
    }
  });

  it('answers 502 when the proxy refuses the credentials', async () => {
    const proxy = await startHttpConnectProxy({ username: 'relay-user', password: 'right' });
    proxies.push(proxy);
    const account = await createClaudeAccount(relay, fake.url, {
      proxy: { protocol: 'http', host: '127.0.0.1', port: proxy.port, username: 'relay-user' },
      credentials: { apiKey: 'k', proxyPassword: 'wrong' },
    });
    try {
      fake.reset();
      const error = await ask().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
      expect((error as Error).message).toMatch(/proxy refused the connection/);
      expect(fake.requests).toHaveLength(0);
    } finally {
      await relay.server.services.accounts.delete(account.id);
    }
  });
});
