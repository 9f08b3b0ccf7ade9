import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { splitPastedCode } from '../../src/services/accounts/oauth/oauth-flow.js';
import { DEFAULT_OAUTH_SETTINGS } from '../../src/services/accounts/oauth/oauth-settings.js';
import type { Services } from '../../src/services/container.js';
import { FAKE_CLIENT_ID, type FakeOAuth, startFakeOAuth } from '../support/fake-oauth.js';
import { createTestServices } from '../support/services.js';

describe('claude oauth authorization flow', () => {
  let fake: FakeOAuth;
  let services: Services;
  beforeEach(async () => {
    fake = await startFakeOAuth({ expiresIn: 3600 });
    services = await createTestServices({ oauth: { 'claude-oauth': fake.settings() } });
  });
  afterEach(async () => {
    await services.stop();
    await fake.close();
  });

  const sessionKey = (sessionId: string) => services.context.keys.oauthSession(sessionId);

  it('builds a PKCE authorize URL and stores the exchanged tokens sealed on a new account', async () => {
    const before = Date.now();
    const started = await services.oauth.start({ name: 'team max' });
    const url = new URL(started.authorizationUrl);
    expect(url.origin + url.pathname).toBe(fake.settings().authorizeUrl);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      code: 'true',
      client_id: FAKE_CLIENT_ID,
      response_type: 'code',
      redirect_uri: fake.settings().redirectUri,
      scope: 'org:create_api_key user:profile user:inference',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    const ttl = await services.context.redis.pttl(sessionKey(started.sessionId));
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);

    const pasted = fake.authorize(started.authorizationUrl);
    const account = await services.oauth.exchange({
      sessionId: started.sessionId,
      code: pasted,
      account: { priority: 7 },
    });
    expect(account).toMatchObject({
      type: 'claude-oauth',
      name: 'team max',
      priority: 7,
      platform: 'claude',
    });

    // The verifier the relay sent is the one whose S256 hash it put in the URL.
    const sent = fake.bodies.at(-1) ?? {};
    expect(sent).toMatchObject({
      grant_type: 'authorization_code',
      client_id: FAKE_CLIENT_ID,
      redirect_uri: fake.settings().redirectUri,
      state: url.searchParams.get('state'),
      code: pasted.split('#')[0],
    });
    const verifier = String(sent.code_verifier);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      url.searchParams.get('code_challenge'),
    );

    const runtime = await services.accounts.runtime(account.id);
    const secrets = runtime?.secrets ?? {};
    expect(secrets.accessToken).toBe(fake.lastAccessToken);
    expect(secrets.refreshToken).toMatch(/^sk-ant-ort01-fake-/);
    expect(secrets.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(secrets.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);

    const raw = (await services.context.redis.get(services.context.keys.account(account.id))) ?? '';
    expect(raw).not.toBe('');
    expect(raw).not.toContain(secrets.accessToken ?? 'missing');
    expect(raw).not.toContain(secrets.refreshToken ?? 'missing');
    expect(raw).not.toContain('sk-ant-');
    expect(await services.context.redis.exists(sessionKey(started.sessionId))).toBe(0);
  });

  it('uses a session once: a second exchange is refused without reaching the token endpoint', async () => {
    const started = await services.oauth.start();
    const pasted = fake.authorize(started.authorizationUrl);
    const account = await services.oauth.exchange({ sessionId: started.sessionId, code: pasted });
    // Without a name, the account is named after the signed-in user.
    expect(account.name).toBe('user@example.test');
    await expect(
      services.oauth.exchange({ sessionId: started.sessionId, code: pasted }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('expired or was already used'),
      details: { field: 'sessionId', reason: 'oauth_session_unknown' },
    });
    expect(fake.calls.exchange).toBe(1);
    expect((await services.accounts.list()).items).toHaveLength(1);
  });

  it('rejects a code pasted into another attempt (state mismatch) and burns that session', async () => {
    const first = await services.oauth.start();
    const second = await services.oauth.start();
    const pastedForFirst = fake.authorize(first.authorizationUrl);
    await expect(
      services.oauth.exchange({ sessionId: second.sessionId, code: pastedForFirst }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('state mismatch'),
      details: { reason: 'oauth_state_mismatch' },
    });
    expect(fake.calls.exchange).toBe(0);
    await expect(
      services.oauth.exchange({ sessionId: second.sessionId, code: fake.authorize(second.authorizationUrl) }),
    ).rejects.toMatchObject({ details: { reason: 'oauth_session_unknown' } });
    // The first attempt is untouched and still completes.
    const account = await services.oauth.exchange({ sessionId: first.sessionId, code: pastedForFirst });
    expect(account.type).toBe('claude-oauth');
  });

  it('rejects a code issued for another PKCE challenge: the verifier does not match', async () => {
    const started = await services.oauth.start();
    // An attacker's code: obtained with their own challenge, carrying this session's state.
    const injected = new URL(started.authorizationUrl);
    injected.searchParams.set(
      'code_challenge',
      createHash('sha256').update('x'.repeat(43)).digest('base64url'),
    );
    const pasted = fake.authorize(injected.toString());
    await expect(
      services.oauth.exchange({ sessionId: started.sessionId, code: pasted }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      httpStatus: 400,
      message: expect.stringContaining('authorization code was rejected (invalid_grant)'),
      details: { oauthError: 'invalid_grant', field: 'code' },
    });
    expect(fake.calls.exchange).toBe(1);
    expect((await services.accounts.list()).items).toHaveLength(0);
  });

  it('checks account settings before using up the session', async () => {
    const started = await services.oauth.start();
    const pasted = fake.authorize(started.authorizationUrl);
    await expect(
      services.oauth.exchange({ sessionId: started.sessionId, code: pasted, account: { priority: 0 } }),
    ).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'account.priority' } });
    const account = await services.oauth.exchange({ sessionId: started.sessionId, code: pasted });
    expect(account.priority).toBe(50);
  });

  it('re-authorises an existing account with a session started for it', async () => {
    const first = await services.oauth.start({ name: 'a' });
    const account = await services.oauth.exchange({
      sessionId: first.sessionId,
      code: fake.authorize(first.authorizationUrl),
    });
    const oldToken = (await services.accounts.runtime(account.id))?.secrets.accessToken;

    const unbound = await services.oauth.start();
    await expect(
      services.oauth.reauthorize({
        accountId: account.id,
        sessionId: unbound.sessionId,
        code: fake.authorize(unbound.authorizationUrl),
      }),
    ).rejects.toMatchObject({ code: 'invalid_request', details: { field: 'sessionId' } });

    const again = await services.oauth.start({ accountId: account.id });
    await services.oauth.reauthorize({
      accountId: account.id,
      sessionId: again.sessionId,
      code: fake.authorize(again.authorizationUrl),
    });
    await expect
      .poll(async () => (await services.accounts.runtime(account.id))?.secrets.accessToken)
      .toBe(fake.lastAccessToken);
    expect(fake.lastAccessToken).not.toBe(oldToken);
    expect((await services.accounts.list()).items).toHaveLength(1);
  });

  it('refuses to start a re-authorisation for an account that is not claude-oauth', async () => {
    const console = await services.accounts.create({
      type: 'claude-console',
      name: 'key',
      credentials: { apiKey: 'k' },
    });
    await expect(services.oauth.start({ accountId: console.id })).rejects.toMatchObject({
      code: 'invalid_request',
      details: { field: 'accountId' },
    });
  });
});

describe('pasted codes', () => {
  it('accepts code#state, a bare code, and the callback URL', () => {
    expect(splitPastedCode(' abc#xyz \n')).toEqual({ code: 'abc', state: 'xyz' });
    expect(splitPastedCode('abc')).toEqual({ code: 'abc', state: undefined });
    expect(splitPastedCode('https://console.anthropic.com/oauth/code/callback?code=abc&state=xyz')).toEqual({
      code: 'abc',
      state: 'xyz',
    });
    expect(() => splitPastedCode('abc#')).toThrow(/code#state/);
    expect(() => splitPastedCode('https://console.anthropic.com/oauth/code/callback')).toThrow(/no code/);
  });

  it('defaults to the same OAuth settings as the environment schema', () => {
    expect(loadConfig({}).oauth).toEqual(DEFAULT_OAUTH_SETTINGS);
  });
});
