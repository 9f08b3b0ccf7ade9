// OpenAI accounts in the services: openai-api accounts (a key and a base URL), and openai-oauth accounts added by
// signing in to ChatGPT as the Codex CLI does, against a fake auth.openai.com, then refreshed under the Redis lock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransportRegistry } from '../../src/relay/upstream/transports.js';
import { createGraphQLServer } from '../../src/schema/graphql-endpoint.js';
import type { AccountRuntime } from '../../src/services/accounts/account-types.js';
import type { Principal } from '../../src/services/auth/auth-service.js';
import type { Services } from '../../src/services/container.js';
import { createTrpcContext } from '../../src/trpc/context.js';
import { createCaller } from '../../src/trpc/router.js';
import {
  CODEX_REDIRECT_URI,
  FAKE_OPENAI_CLIENT_ID,
  type FakeOpenAIOAuth,
  startFakeOpenAIOAuth,
} from '../support/fake-openai-oauth.js';
import { dataOf, type GraphQLResponse } from '../support/graphql.js';
import { startHttpConnectProxy } from '../support/proxies.js';
import { createTestServices } from '../support/services.js';

const ADMIN: Principal = { userId: 'usr_test_admin', username: 'admin', role: 'admin' };

async function runtimeOf(services: Services, id: string): Promise<AccountRuntime> {
  const runtime = await services.accounts.loadRuntime(id);
  if (!runtime) throw new Error(`account ${id} not found`);
  return runtime;
}

describe('openai-api accounts', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.stop();
  });

  it('are created through the control plane with the OpenAI defaults, and need an API key', async () => {
    const account = await services.control.accounts.create(ADMIN, {
      type: 'openai-api',
      name: 'platform key',
      credentials: { apiKey: 'sk-openai-test' },
    });
    expect(account).toMatchObject({
      type: 'openai-api',
      platform: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      authHeader: 'bearer',
    });
    // The relay presents the key as it is; an API key cannot be refreshed, so a refusal takes the account out.
    const runtime = await runtimeOf(services, account.id);
    expect(services.credentials.forAccount(runtime)).toBe('sk-openai-test');
    expect(services.credentials.refused(runtime)).toBe(false);

    const custom = await services.control.accounts.create(ADMIN, {
      type: 'openai-api',
      name: 'gateway',
      baseUrl: 'https://gateway.example.test/openai/v1/',
      credentials: { apiKey: 'sk-other' },
    });
    expect(custom.baseUrl).toBe('https://gateway.example.test/openai/v1');

    await expect(
      services.control.accounts.create(ADMIN, { type: 'openai-api', name: 'keyless', credentials: {} }),
    ).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'credentials.apiKey' } });
    const audit = await services.audit.list({ limit: 10 });
    expect(audit.items.filter((entry) => entry.action === 'account.create')).toHaveLength(2);
  });

  it('keeps openai-oauth accounts made from existing tokens only with their ChatGPT account id', async () => {
    await expect(
      services.control.accounts.create(ADMIN, {
        type: 'openai-oauth',
        name: 'no workspace',
        credentials: { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3_600_000 },
      }),
    ).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'credentials.chatgptAccountId' } });
    const account = await services.control.accounts.create(ADMIN, {
      type: 'openai-oauth',
      name: 'imported',
      credentials: {
        accessToken: 'a',
        refreshToken: 'r',
        expiresAt: Date.now() + 3_600_000,
        chatgptAccountId: 'acct-1',
      },
    });
    expect(account).toMatchObject({
      platform: 'openai',
      baseUrl: 'https://chatgpt.com/backend-api/codex',
      authHeader: 'bearer',
    });
  });
});

describe('openai-oauth sign-in (as Codex)', () => {
  let fake: FakeOpenAIOAuth;
  let services: Services;
  beforeEach(async () => {
    fake = await startFakeOpenAIOAuth();
    services = await createTestServices({ oauth: { 'openai-oauth': fake.settings() } });
  });
  afterEach(async () => {
    await services.stop();
    await fake.close();
  });

  it('builds Codex’s authorize URL and creates the account from the pasted callback URL', async () => {
    const before = Date.now();
    const started = await services.control.accounts.oauthStart(ADMIN, { type: 'openai-oauth', name: 'pro' });
    expect(started.type).toBe('openai-oauth');
    const url = new URL(started.authorizationUrl);
    expect(url.origin + url.pathname).toBe(fake.settings().authorizeUrl);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: FAKE_OPENAI_CLIENT_ID,
      redirect_uri: CODEX_REDIRECT_URI,
      scope: 'openid profile email offline_access',
      code_challenge_method: 'S256',
      id_token_add_organizations: 'true',
      codex_cli_simplified_flow: 'true',
      originator: 'codex_cli_rs',
    });
    // Claude's paste-the-code switch is not Codex's.
    expect(url.searchParams.has('code')).toBe(false);

    const callback = fake.authorize(started.authorizationUrl);
    const account = await services.control.accounts.oauthExchange(ADMIN, {
      sessionId: started.sessionId,
      code: callback,
      account: { priority: 5 },
    });
    expect(account).toMatchObject({
      type: 'openai-oauth',
      platform: 'openai',
      name: 'pro',
      priority: 5,
      baseUrl: 'https://chatgpt.com/backend-api/codex',
      authHeader: 'bearer',
    });

    // The code went to the token endpoint form-encoded with exactly Codex's fields: no state.
    expect(fake.received).toHaveLength(1);
    const [call] = fake.received;
    expect(call?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(call?.body ?? {}).sort()).toEqual(
      ['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri'].sort(),
    );
    expect(call?.body).toMatchObject({
      grant_type: 'authorization_code',
      code: new URL(callback).searchParams.get('code'),
      redirect_uri: CODEX_REDIRECT_URI,
      client_id: FAKE_OPENAI_CLIENT_ID,
    });

    const { secrets } = await runtimeOf(services, account.id);
    expect(secrets).toMatchObject({
      accessToken: fake.lastAccessToken,
      chatgptAccountId: 'acct-chatgpt-fake-1',
    });
    expect(secrets.refreshToken).toMatch(/^rt_fake_/);
    expect(secrets.expiresAt).toBeGreaterThanOrEqual(before + 864_000_000);
    expect(secrets.expiresAt).toBeLessThanOrEqual(Date.now() + 864_000_000);
    const raw = (await services.context.redis.get(services.context.keys.account(account.id))) ?? '';
    expect(raw).not.toContain(secrets.accessToken ?? 'missing');
    expect(raw).not.toContain('acct-chatgpt-fake-1');
    const audit = await services.audit.list({ limit: 10 });
    expect(audit.items.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['account.oauth_start', 'account.oauth_exchange']),
    );
  });

  it('accepts the bare code or the callback query, and names the account after the signed-in user', async () => {
    const first = await services.oauth.start({ type: 'openai-oauth' });
    const code = new URL(fake.authorize(first.authorizationUrl)).searchParams.get('code') ?? '';
    const byCode = await services.oauth.exchange({ sessionId: first.sessionId, code });
    expect(byCode.name).toBe('codex-user@example.test');

    const second = await services.oauth.start({ type: 'openai-oauth' });
    const query = new URL(fake.authorize(second.authorizationUrl)).search;
    const byQuery = await services.oauth.exchange({ sessionId: second.sessionId, code: query });
    expect(byQuery.type).toBe('openai-oauth');
    expect(fake.calls.exchange).toBe(2);
  });

  it('refuses a callback of another attempt, a failed sign-in, and a reused code', async () => {
    const first = await services.oauth.start({ type: 'openai-oauth' });
    const second = await services.oauth.start({ type: 'openai-oauth' });
    await expect(
      services.oauth.exchange({ sessionId: second.sessionId, code: fake.authorize(first.authorizationUrl) }),
    ).rejects.toMatchObject({ code: 'invalid_request', details: { reason: 'oauth_state_mismatch' } });

    const denied = await services.oauth.start({ type: 'openai-oauth' });
    await expect(
      services.oauth.exchange({
        sessionId: denied.sessionId,
        code: fake.deny(denied.authorizationUrl, 'access_denied', 'missing_codex_entitlement'),
      }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('sign-in failed (access_denied: missing_codex_entitlement)'),
      details: { field: 'code', oauthError: 'access_denied' },
    });
    expect(fake.calls.exchange).toBe(0);

    // A code redeemed once is dead at the endpoint: its invalid_grant is the user's to fix, not a server fault.
    const once = await services.oauth.start({ type: 'openai-oauth' });
    const callback = fake.authorize(once.authorizationUrl);
    await services.oauth.exchange({ sessionId: once.sessionId, code: callback });
    const again = await services.oauth.start({ type: 'openai-oauth' });
    fake.authorize(again.authorizationUrl);
    const stolen = new URL(callback);
    stolen.searchParams.set('state', new URL(again.authorizationUrl).searchParams.get('state') ?? '');
    await expect(
      services.oauth.exchange({ sessionId: again.sessionId, code: stolen.toString() }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      httpStatus: 400,
      details: { oauthError: 'invalid_grant', field: 'code' },
    });
    expect((await services.accounts.list()).items).toHaveLength(1);
  });

  it('refuses a sign-in whose id_token names no ChatGPT account', async () => {
    fake.chatgptAccountId = undefined;
    const started = await services.oauth.start({ type: 'openai-oauth' });
    await expect(
      services.oauth.exchange({
        sessionId: started.sessionId,
        code: fake.authorize(started.authorizationUrl),
      }),
    ).rejects.toMatchObject({
      code: 'upstream_error',
      message: expect.stringContaining('ChatGPT sign-in answer lacks credentials.chatgptAccountId'),
    });
    expect((await services.accounts.list()).items).toHaveLength(0);
  });

  it('takes the lifetime from the access token’s exp when the answer has no expires_in', async () => {
    fake.sendExpiresIn = false;
    fake.expiresIn = 7200;
    const started = await services.oauth.start({ type: 'openai-oauth' });
    const account = await services.oauth.exchange({
      sessionId: started.sessionId,
      code: fake.authorize(started.authorizationUrl),
    });
    const { expiresAt } = (await runtimeOf(services, account.id)).secrets;
    const now = Date.now();
    // `exp` has whole seconds.
    expect(expiresAt).toBeGreaterThan(now + 7_190_000);
    expect(expiresAt).toBeLessThanOrEqual(now + 7_200_000);
  });

  it('re-authorises an account in its own kind, never across kinds', async () => {
    const first = await services.oauth.start({ type: 'openai-oauth' });
    const account = await services.oauth.exchange({
      sessionId: first.sessionId,
      code: fake.authorize(first.authorizationUrl),
    });
    await expect(services.oauth.start({ type: 'claude-oauth', accountId: account.id })).rejects.toMatchObject(
      {
        code: 'invalid_request',
        details: { field: 'accountId' },
      },
    );
    const apiAccount = await services.accounts.create({
      type: 'openai-api',
      name: 'key',
      credentials: { apiKey: 'k' },
    });
    await expect(services.oauth.start({ accountId: apiAccount.id })).rejects.toMatchObject({
      details: { field: 'accountId' },
    });

    fake.chatgptAccountId = 'acct-chatgpt-other-workspace';
    const again = await services.control.accounts.oauthStart(ADMIN, { accountId: account.id });
    expect(again.type).toBe('openai-oauth');
    expect(new URL(again.authorizationUrl).searchParams.get('codex_cli_simplified_flow')).toBe('true');
    await services.control.accounts.oauthReauthorize(ADMIN, {
      accountId: account.id,
      sessionId: again.sessionId,
      code: fake.authorize(again.authorizationUrl),
    });
    const { secrets } = await runtimeOf(services, account.id);
    expect(secrets).toMatchObject({
      accessToken: fake.lastAccessToken,
      chatgptAccountId: 'acct-chatgpt-other-workspace',
    });
  });

  it('refuses a start for a kind that does not sign in', async () => {
    await expect(
      services.oauth.start({ type: 'openai-api' as unknown as 'openai-oauth' }),
    ).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'type' } });
  });
});

describe('openai-oauth token refresh across instances', () => {
  let fake: FakeOpenAIOAuth;
  let first: Services;
  let second: Services;
  beforeEach(async () => {
    fake = await startFakeOpenAIOAuth({ expiresIn: 3600 });
    first = await createTestServices({ oauth: { 'openai-oauth': fake.settings() } });
    second = await createTestServices({
      oauth: { 'openai-oauth': fake.settings() },
      keyPrefix: first.context.keys.prefix,
    });
  });
  afterEach(async () => {
    await second.stop();
    await first.stop();
    await fake.close();
  });

  /** An openai-oauth account whose token expires in `expiresInMs` (the skew is 5 minutes). */
  async function chatgptAccount(expiresInMs: number) {
    const tokens = fake.issueTokens();
    const account = await first.accounts.create({
      type: 'openai-oauth',
      name: 'subscription',
      credentials: {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: Date.now() + expiresInMs,
        chatgptAccountId: 'acct-chatgpt-fake-1',
      },
    });
    return { id: account.id, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
  }

  it('refreshes once for twenty concurrent calls on two instances, with Codex’s JSON refresh body', async () => {
    const account = await chatgptAccount(60_000);
    const runtimes = [await runtimeOf(first, account.id), await runtimeOf(second, account.id)];
    fake.chatgptAccountId = 'acct-chatgpt-moved';
    const gate = fake.holdRefreshes();
    const calls = Array.from({ length: 20 }, (_, index) => {
      const services = index % 2 === 0 ? first : second;
      return services.credentials.forAccount(runtimes[index % 2] as AccountRuntime);
    });
    await gate.arrived;
    await expect
      .poll(() => first.oauthTokens.isWaiting(account.id) || second.oauthTokens.isWaiting(account.id))
      .toBe(true);
    gate.release();

    const tokens = await Promise.all(calls);
    expect(new Set(tokens)).toEqual(new Set([fake.lastAccessToken]));
    expect(fake.calls.refresh).toBe(1);
    expect(fake.received.at(-1)).toEqual({
      contentType: 'application/json',
      body: {
        client_id: FAKE_OPENAI_CLIENT_ID,
        grant_type: 'refresh_token',
        refresh_token: account.refreshToken,
      },
    });
    // The new id_token names another ChatGPT account: the relay sends that one from now on.
    const stored = await runtimeOf(second, account.id);
    expect(stored.secrets).toMatchObject({
      accessToken: fake.lastAccessToken,
      chatgptAccountId: 'acct-chatgpt-moved',
    });
    expect(stored.secrets.refreshToken).not.toBe(account.refreshToken);
    expect(await first.context.redis.exists(first.context.keys.lock(`oauth-refresh:${account.id}`))).toBe(0);
  });

  it('keeps the ChatGPT account id when a refresh answer carries no id_token', async () => {
    const account = await chatgptAccount(60_000);
    fake.idTokenOnRefresh = false;
    fake.chatgptAccountId = 'acct-chatgpt-ignored';
    const token = await first.credentials.forAccount(await runtimeOf(first, account.id));
    expect(token).toBe(fake.lastAccessToken);
    expect((await runtimeOf(first, account.id)).secrets.chatgptAccountId).toBe('acct-chatgpt-fake-1');
  });

  it('surfaces a refused refresh (401 refresh_token_reused) as the account’s auth failure on both instances', async () => {
    const account = await chatgptAccount(60_000);
    const before = await runtimeOf(first, account.id);
    const gate = fake.holdRefreshes();
    fake.failNextRefresh('refresh_token_reused');
    const settled = Promise.allSettled(
      [first, second].map(async (services) =>
        services.credentials.forAccount(await runtimeOf(services, account.id)),
      ),
    );
    await gate.arrived;
    await expect
      .poll(() => first.oauthTokens.isWaiting(account.id) || second.oauthTokens.isWaiting(account.id))
      .toBe(true);
    gate.release();
    const rejected = {
      status: 'rejected',
      reason: {
        code: 'upstream_auth_failed',
        details: { accountId: account.id, reason: 'oauth_refresh_rejected' },
        message: expect.stringContaining('must be authorised again'),
      },
    };
    const outcomes = await settled;
    expect(outcomes).toMatchObject([rejected, rejected]);
    // The lock holder heard the endpoint's reason; the waiter heard the holder's announcement.
    const holder = outcomes.find(
      (outcome) => outcome.status === 'rejected' && outcome.reason?.details?.oauthError !== undefined,
    );
    expect(holder).toMatchObject({ reason: { details: { oauthError: 'refresh_token_reused' } } });
    expect(fake.calls.refresh).toBe(1);
    expect((await runtimeOf(second, account.id)).secrets).toEqual(before.secrets);
  });

  it('marks a token the upstream refused as rejected, refreshes it on next use, and reports a dead refresh token', async () => {
    const account = await chatgptAccount(3_600_000);
    const runtime = await runtimeOf(first, account.id);
    expect(await first.credentials.forAccount(runtime)).toBe(account.accessToken);
    expect(fake.calls.refresh).toBe(0);

    // A long-lived token refused upstream (revoked): the next use refreshes it rather than retiring the account.
    expect(first.credentials.refused(runtime)).toBe(true);
    const fresh = await first.credentials.forAccount(runtime);
    expect(fresh).toBe(fake.lastAccessToken);
    expect(fresh).not.toBe(account.accessToken);
    expect(fake.calls.refresh).toBe(1);

    // The fresh token refused at once: the account, not its token, is refused.
    const refreshed = await runtimeOf(first, account.id);
    expect(first.credentials.refused(refreshed)).toBe(false);

    // On the other instance the same refusal refreshes too; the endpoint now refuses the refresh token.
    const onSecond = await runtimeOf(second, account.id);
    expect(second.credentials.refused(onSecond)).toBe(true);
    fake.failNextRefresh('refresh_token_invalidated');
    await expect(second.credentials.forAccount(onSecond)).rejects.toMatchObject({
      code: 'upstream_auth_failed',
      details: { reason: 'oauth_refresh_rejected', oauthError: 'refresh_token_invalidated' },
    });
  });

  it('reports a failing token endpoint as a retryable upstream error and refreshes on the next call', async () => {
    const account = await chatgptAccount(60_000);
    const runtime = await runtimeOf(first, account.id);
    fake.failNextRefresh('server_error');
    await expect(first.credentials.forAccount(runtime)).rejects.toMatchObject({
      code: 'upstream_error',
      retryable: true,
      details: { upstreamStatus: 500 },
    });
    expect(await second.credentials.forAccount(runtime)).toBe(fake.lastAccessToken);
  });
});

describe('refreshes through the account’s proxy', () => {
  it('takes the dispatcher the composition root passes in', async () => {
    const fake = await startFakeOpenAIOAuth({ expiresIn: 3600 });
    const proxy = await startHttpConnectProxy({ username: 'u', password: 'proxy pass' });
    const transports = new TransportRegistry({ connectTimeoutMs: 2000 });
    const services = await createTestServices({
      oauth: { 'openai-oauth': fake.settings() },
      dispatchers: transports,
    });
    try {
      const tokens = fake.issueTokens();
      const account = await services.accounts.create({
        type: 'openai-oauth',
        name: 'behind a proxy',
        proxy: { protocol: 'http', host: '127.0.0.1', port: proxy.port, username: 'u' },
        credentials: {
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken,
          expiresAt: Date.now() + 60_000,
          chatgptAccountId: 'acct-chatgpt-fake-1',
          proxyPassword: 'proxy pass',
        },
      });
      expect(await services.credentials.forAccount(await runtimeOf(services, account.id))).toBe(
        fake.lastAccessToken,
      );
      expect(proxy.tunnels).toEqual([new URL(fake.tokenUrl).host]);
      expect(proxy.credentials).toEqual(['u:proxy pass']);
    } finally {
      await services.stop();
      await transports.close();
      await proxy.close();
      await fake.close();
    }
  });
});

describe('the sign-in on GraphQL and tRPC', () => {
  let fake: FakeOpenAIOAuth;
  let services: Services;
  let yoga: ReturnType<typeof createGraphQLServer>;
  let token: string;
  beforeEach(async () => {
    fake = await startFakeOpenAIOAuth();
    services = await createTestServices({ oauth: { 'openai-oauth': fake.settings() } });
    yoga = createGraphQLServer(services, { graphiql: false });
    await services.users.create({ username: 'olga', password: 'a long enough password', role: 'operator' });
    const login = await run(
      'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }',
      { u: 'olga', p: 'a long enough password' },
    );
    token = dataOf<{ accessToken: string }>(login, 'login').accessToken;
  });
  afterEach(async () => {
    await services.stop();
    await fake.close();
  });

  async function run(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> {
    const response = await yoga.fetch('http://relay.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse;
  }

  it('starts and finishes a ChatGPT sign-in over GraphQL, and creates openai-api accounts', async () => {
    const started = dataOf<{ sessionId: string; type: string; authorizationUrl: string }>(
      await run('mutation { startAccountOAuth(type: openai_oauth) { sessionId type authorizationUrl } }'),
      'startAccountOAuth',
    );
    expect(started.type).toBe('openai_oauth');
    expect(new URL(started.authorizationUrl).searchParams.get('originator')).toBe('codex_cli_rs');
    const account = dataOf<{ type: string; platform: string; baseUrl: string }>(
      await run(
        'mutation ($s: String!, $c: String!) { exchangeAccountOAuth(sessionId: $s, code: $c) { type platform baseUrl } }',
        { s: started.sessionId, c: fake.authorize(started.authorizationUrl) },
      ),
      'exchangeAccountOAuth',
    );
    expect(account).toEqual({
      type: 'openai_oauth',
      platform: 'openai',
      baseUrl: 'https://chatgpt.com/backend-api/codex',
    });

    const created = dataOf<{ type: string; baseUrl: string }>(
      await run('mutation ($i: CreateAccountInput!) { createAccount(input: $i) { type baseUrl } }', {
        i: { type: 'openai_api', name: 'key', credentials: { apiKey: 'sk-openai' } },
      }),
      'createAccount',
    );
    expect(created).toEqual({ type: 'openai_api', baseUrl: 'https://api.openai.com/v1' });
    const refused = await run('mutation { startAccountOAuth(type: openai_api) { sessionId } }');
    expect(refused.errors?.[0]?.message).toMatch(/openai_api/);
  });

  it('takes the kind on tRPC too, refusing kinds that do not sign in', async () => {
    const caller = createCaller(
      await createTrpcContext({
        services,
        requestId: 'req_test',
        address: '127.0.0.1',
        authorization: `Bearer ${token}`,
      }),
    );
    const started = await caller.accounts.oauthStart({ type: 'openai-oauth' });
    expect(started.type).toBe('openai-oauth');
    const account = await caller.accounts.oauthExchange({
      sessionId: started.sessionId,
      code: fake.authorize(started.authorizationUrl),
    });
    expect(account).toMatchObject({ type: 'openai-oauth', platform: 'openai' });
    const claude = await caller.accounts.oauthStart({});
    expect(claude.type).toBe('claude-oauth');
    await expect(
      caller.accounts.oauthStart({ type: 'openai-api' as unknown as 'openai-oauth' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
