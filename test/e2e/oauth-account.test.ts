// A claude-oauth account end to end: added through the PKCE flow against a fake OAuth server, used with the
// headers OAuth access needs, and refreshed by exactly one of two relay instances when its token runs out.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOAuth, startFakeOAuth } from '../support/fake-oauth.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { startHttpConnectProxy } from '../support/proxies.js';
import { createKey, startTestRelay, type TestRelay } from '../support/relay.js';

const PARAMS = {
  model: 'claude-haiku-4-5',
  max_tokens: 32,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

describe('claude-oauth accounts', () => {
  let oauth: FakeOAuth;
  let upstream: FakeUpstream;
  let first: TestRelay;
  let second: TestRelay;

  beforeAll(async () => {
    oauth = await startFakeOAuth();
    upstream = await startFakeUpstream();
    const env = oauth.env();
    first = await startTestRelay({ env });
    second = await startTestRelay({ env, prefix: first.prefix });
  });
  afterAll(async () => {
    await first.stop();
    await second.stop();
    await oauth.close();
    await upstream.close();
  });

  it('is added through PKCE, calls upstream with its bearer token, and is refreshed once for two instances', async () => {
    // Tokens from the sign-in expire within the refresh margin: the first requests must refresh.
    oauth.expiresIn = 60;
    const { oauth: flow, accounts } = first.server.services;
    const started = await flow.start();
    const code = oauth.authorize(started.authorizationUrl);
    const account = await flow.exchange({
      sessionId: started.sessionId,
      code,
      account: { name: 'subscription', baseUrl: upstream.url },
    });
    expect(account).toMatchObject({ type: 'claude-oauth', platform: 'claude' });
    const signedInToken = oauth.lastAccessToken;
    const raw = await first.server.services.context.redis.get(
      first.server.services.context.keys.account(account.id),
    );
    expect(raw).not.toContain(signedInToken);

    oauth.expiresIn = 3600;
    const gate = oauth.holdRefreshes();
    const key = (await createKey(first)).plaintext;
    const clients = [first, second].map(
      (relay) => new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 }),
    );
    const answers = Promise.all(
      Array.from({ length: 20 }, (_, i) => clients[i % 2]?.messages.create(PARAMS)),
    );
    await gate.arrived;
    gate.release();
    expect(await answers).toHaveLength(20);
    expect(oauth.calls.refresh).toBe(1);

    // Every upstream call carried the refreshed token and the OAuth beta flag, and no API key.
    const refreshed = oauth.lastAccessToken;
    expect(refreshed).not.toBe(signedInToken);
    expect(upstream.requests).toHaveLength(20);
    for (const request of upstream.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${refreshed}`);
      expect(String(request.headers['anthropic-beta'])).toContain('oauth-2025-04-20');
      expect(request.headers['x-api-key']).toBeUndefined();
    }
    const runtime = await accounts.runtime(account.id);
    expect(runtime?.secrets.accessToken).toBe(refreshed);
  });

  it('refreshes a token the upstream refused, and takes the account out of service when refreshing fails', async () => {
    const { oauth: flow, health } = first.server.services;
    oauth.expiresIn = 3600;
    const started = await flow.start();
    const account = await flow.exchange({
      sessionId: started.sessionId,
      code: oauth.authorize(started.authorizationUrl),
      account: { name: 'revoked', baseUrl: upstream.url },
    });
    const key = (await createKey(first, { bindings: { claude: { accountId: account.id } } })).plaintext;
    const client = new Anthropic({ apiKey: key, baseURL: first.url, maxRetries: 0 });
    const refreshes = oauth.calls.refresh;

    // A long-lived token refused upstream (revoked): that answer goes to the client, and the account stays
    // in service because the next call refreshes the token.
    upstream.enqueue({ status: 401, errorType: 'authentication_error', errorMessage: 'OAuth token revoked' });
    await expect(client.messages.create(PARAMS)).rejects.toMatchObject({ status: 502 });
    expect((await health.state(account.id, 'claude')).kind).toBe('active');

    // That refresh is refused (the refresh token was revoked too): now the account is out of service.
    oauth.failNextRefresh('invalid_grant');
    await expect(client.messages.create(PARAMS)).rejects.toMatchObject({ status: 502 });
    expect(oauth.calls.refresh).toBe(refreshes + 1);
    expect(await health.state(account.id, 'claude')).toMatchObject({
      kind: 'auth_failed',
      reason: 'credential_refused',
    });

    // Put back in service, it refreshes and serves again.
    await health.reset(account.id, 'claude');
    await client.messages.create(PARAMS);
    expect(oauth.calls.refresh).toBe(refreshes + 2);
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${oauth.lastAccessToken}`);

    // The token fresh from that refresh is refused as well: the account, not the token, is refused.
    upstream.enqueue({ status: 401, errorType: 'authentication_error', errorMessage: 'account disabled' });
    await expect(client.messages.create(PARAMS)).rejects.toMatchObject({ status: 502 });
    expect(await health.state(account.id, 'claude')).toMatchObject({
      kind: 'auth_failed',
      reason: 'upstream_401',
    });
  });

  it('refreshes through the account proxy, like its relayed requests', async () => {
    const proxy = await startHttpConnectProxy({ username: 'relay-user', password: 'proxy pass' });
    try {
      const { oauth: flow } = first.server.services;
      oauth.expiresIn = 60;
      const started = await flow.start();
      const account = await flow.exchange({
        sessionId: started.sessionId,
        code: oauth.authorize(started.authorizationUrl),
        account: {
          name: 'behind a proxy',
          baseUrl: upstream.url,
          proxy: { protocol: 'http', host: '127.0.0.1', port: proxy.port, username: 'relay-user' },
          proxyPassword: 'proxy pass',
        },
      });
      oauth.expiresIn = 3600;
      const refreshes = oauth.calls.refresh;
      const key = (await createKey(first, { bindings: { claude: { accountId: account.id } } })).plaintext;
      await new Anthropic({ apiKey: key, baseURL: first.url, maxRetries: 0 }).messages.create(PARAMS);
      expect(oauth.calls.refresh).toBe(refreshes + 1);
      const oauthHost = new URL(oauth.tokenUrl).host;
      expect(proxy.tunnels).toEqual([oauthHost, `127.0.0.1:${upstream.port}`]);
      expect(proxy.credentials.every((credential) => credential === 'relay-user:proxy pass')).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
