// The fake Google OAuth server (authorize, token, userinfo, tokeninfo, revoke) over plain fetch.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_GOOGLE_ACCOUNT,
  FAKE_GOOGLE_CLIENT_ID,
  FAKE_GOOGLE_CLIENT_SECRET,
  type FakeGoogleOAuth,
  GEMINI_CLI_SCOPES,
  GOOGLE_MANUAL_REDIRECT_URI,
  startFakeGoogleOAuth,
} from '../support/fake-google-oauth.js';

let google: FakeGoogleOAuth;

beforeEach(async () => {
  google = await startFakeGoogleOAuth();
});

afterEach(async () => {
  await google.close();
});

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The manual-flow authorize URL Gemini CLI builds (oauth2.ts), pointed at the fake. */
function authorizeUrl(challenge: string, overrides: Record<string, string> = {}): string {
  const url = new URL(google.authorizeUrl);
  const params = {
    redirect_uri: GOOGLE_MANUAL_REDIRECT_URI,
    access_type: 'offline',
    scope: GEMINI_CLI_SCOPES,
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state: randomBytes(32).toString('hex'),
    response_type: 'code',
    client_id: FAKE_GOOGLE_CLIENT_ID,
    ...overrides,
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

function tokenCall(form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(google.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

function exchangeForm(code: string, verifier: string): Record<string, string> {
  return {
    code,
    code_verifier: verifier,
    redirect_uri: GOOGLE_MANUAL_REDIRECT_URI,
    grant_type: 'authorization_code',
    client_id: FAKE_GOOGLE_CLIENT_ID,
    client_secret: FAKE_GOOGLE_CLIENT_SECRET,
  };
}

function refreshForm(refreshToken: string): Record<string, string> {
  return {
    refresh_token: refreshToken,
    grant_type: 'refresh_token',
    client_id: FAKE_GOOGLE_CLIENT_ID,
    client_secret: FAKE_GOOGLE_CLIENT_SECRET,
  };
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: string;
  id_token: string;
}

async function signIn(): Promise<TokenAnswer> {
  const { verifier, challenge } = pkce();
  const code = google.authorize(authorizeUrl(challenge));
  const res = await tokenCall(exchangeForm(code, verifier));
  expect(res.status).toBe(200);
  return (await res.json()) as TokenAnswer;
}

describe('authorize', () => {
  it('redirects a valid manual-flow request to the authcode page with a code and the state', async () => {
    const { challenge } = pkce();
    const url = authorizeUrl(challenge, { state: 'state-123' });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(GOOGLE_MANUAL_REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.get('code')).toMatch(/^4\/0A/);
    expect(location.searchParams.get('scope')?.split(' ')).toEqual([
      ...GEMINI_CLI_SCOPES.split(' '),
      'openid',
    ]);
    expect(google.calls.authorize).toBe(1);
  });

  it('refuses what Google refuses, as an error page or a throw from approve()', async () => {
    const { challenge } = pkce();
    const badClient = await fetch(
      authorizeUrl(challenge, { client_id: 'other.apps.googleusercontent.com' }),
      {
        redirect: 'manual',
      },
    );
    expect(badClient.status).toBe(401);
    expect(await badClient.text()).toContain('Error 401: invalid_client');
    const badRedirect = await fetch(authorizeUrl(challenge, { redirect_uri: 'https://evil.example/cb' }), {
      redirect: 'manual',
    });
    expect(badRedirect.status).toBe(400);
    expect(await badRedirect.text()).toContain('redirect_uri_mismatch');
    expect(() => google.approve(authorizeUrl(challenge, { response_type: 'token' }))).toThrow(
      /invalid_request/,
    );
    expect(() => google.approve(authorizeUrl(challenge, { access_type: 'online' }))).toThrow(/access_type/);
    expect(() => google.approve(authorizeUrl(challenge, { code_challenge_method: 'plain' }))).toThrow(/S256/);
    expect(() => google.approve(authorizeUrl('short'))).toThrow(/code_challenge/);
    expect(() => google.approve(authorizeUrl(challenge, { state: '' }))).toThrow(/state/);
    expect(() =>
      google.approve(authorizeUrl(challenge, { scope: 'https://www.googleapis.com/auth/userinfo.email' })),
    ).toThrow(/cloud-platform/);
    expect(() =>
      google.approve(authorizeUrl(challenge, { scope: `${GEMINI_CLI_SCOPES} https://x/y` })),
    ).toThrow(/invalid_scope/);
    // The loopback flow (a local callback server) carries no PKCE.
    const loopback = new URL(
      authorizeUrl(challenge, { redirect_uri: 'http://127.0.0.1:45123/oauth2callback' }),
    );
    loopback.searchParams.delete('code_challenge');
    loopback.searchParams.delete('code_challenge_method');
    expect(google.approve(loopback.toString()).redirectUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:45123\/oauth2callback\?state=/,
    );
  });

  it('deny() redirects with error=access_denied and the state', () => {
    const { challenge } = pkce();
    const redirect = new URL(google.deny(authorizeUrl(challenge, { state: 's1' })));
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('s1');
  });
});

describe('token endpoint', () => {
  it('exchanges a code with its PKCE verifier for Google-shaped tokens', async () => {
    const tokens = await signIn();
    expect(tokens).toEqual({
      access_token: expect.stringMatching(/^ya29\./),
      expires_in: 3599,
      refresh_token: expect.stringMatching(/^1\/\/0/),
      scope: `${GEMINI_CLI_SCOPES} openid`,
      token_type: 'Bearer',
      id_token: expect.any(String),
    });
    expect(Object.keys(tokens)).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
      'id_token',
    ]);
    expect(claims(tokens.id_token)).toMatchObject({
      iss: 'https://accounts.google.com',
      aud: FAKE_GOOGLE_CLIENT_ID,
      sub: DEFAULT_GOOGLE_ACCOUNT.sub,
      email: DEFAULT_GOOGLE_ACCOUNT.email,
      email_verified: true,
    });
    expect(google.isLiveAccessToken(tokens.access_token)).toBe(true);
    expect(google.calls.exchange).toBe(1);
    expect(google.received[0]).toMatchObject({
      contentType: 'application/x-www-form-urlencoded',
      body: { grant_type: 'authorization_code', client_secret: FAKE_GOOGLE_CLIENT_SECRET },
    });
  });

  it('refuses a reused code, a wrong verifier or redirect URI, with invalid_grant / redirect_uri_mismatch', async () => {
    const { verifier, challenge } = pkce();
    const code = google.authorize(authorizeUrl(challenge));
    expect((await tokenCall(exchangeForm(code, verifier))).status).toBe(200);
    const reused = await tokenCall(exchangeForm(code, verifier));
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });

    const second = google.authorize(authorizeUrl(challenge));
    const wrongVerifier = await tokenCall(exchangeForm(second, pkce().verifier));
    expect(await wrongVerifier.json()).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });

    const third = google.authorize(authorizeUrl(challenge));
    const { code_verifier: _omitted, ...noVerifier } = exchangeForm(third, verifier);
    expect(await (await tokenCall(noVerifier)).json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Missing code verifier.',
    });

    const fourth = google.authorize(authorizeUrl(challenge));
    const otherRedirect = await tokenCall({
      ...exchangeForm(fourth, verifier),
      redirect_uri: 'http://127.0.0.1:1/oauth2callback',
    });
    expect(otherRedirect.status).toBe(400);
    expect(await otherRedirect.json()).toMatchObject({ error: 'redirect_uri_mismatch' });
  });

  it('refuses a wrong client secret or an unknown client with 401 invalid_client, and JSON bodies', async () => {
    const { verifier, challenge } = pkce();
    const code = google.authorize(authorizeUrl(challenge));
    const wrongSecret = await tokenCall({ ...exchangeForm(code, verifier), client_secret: 'nope' });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ error: 'invalid_client', error_description: 'Unauthorized' });
    const unknown = await tokenCall({
      ...exchangeForm(code, verifier),
      client_id: 'x.apps.googleusercontent.com',
    });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_client' });
    const json = await fetch(google.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(exchangeForm(code, verifier)),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('accepts client_secret_basic too', async () => {
    const { verifier, challenge } = pkce();
    const code = google.authorize(authorizeUrl(challenge));
    const { client_id: _id, client_secret: _secret, ...form } = exchangeForm(code, verifier);
    const basic = Buffer.from(`${FAKE_GOOGLE_CLIENT_ID}:${FAKE_GOOGLE_CLIENT_SECRET}`).toString('base64');
    expect((await tokenCall(form, { authorization: `Basic ${basic}` })).status).toBe(200);
  });

  it('refreshes without rotating the refresh token; the old access token stays valid until it expires', async () => {
    const tokens = await signIn();
    const refreshToken = tokens.refresh_token ?? '';
    const first = await tokenCall(refreshForm(refreshToken));
    expect(first.status).toBe(200);
    const refreshed = (await first.json()) as TokenAnswer;
    expect(refreshed).not.toHaveProperty('refresh_token');
    expect(refreshed).toMatchObject({ expires_in: 3599, token_type: 'Bearer', scope: tokens.scope });
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(google.lastAccessToken).toBe(refreshed.access_token);
    // The same refresh token works again.
    expect((await tokenCall(refreshForm(refreshToken))).status).toBe(200);
    expect(google.calls.refresh).toBe(2);
    expect(google.isLiveAccessToken(tokens.access_token)).toBe(true);
  });

  it('refuses a revoked or unknown refresh token with 400 invalid_grant', async () => {
    const tokens = await signIn();
    const refreshToken = tokens.refresh_token ?? '';
    expect(google.revoke(refreshToken)).toBe(true);
    const revoked = await tokenCall(refreshForm(refreshToken));
    expect(revoked.status).toBe(400);
    expect(await revoked.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    expect(google.isLiveAccessToken(tokens.access_token)).toBe(false);
    const unknown = await tokenCall(refreshForm('1//0unknown'));
    expect(await unknown.json()).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
  });

  it('revokes through POST /revoke as well', async () => {
    const tokens = google.issueTokens();
    const res = await fetch(google.settings().revokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.accessToken }).toString(),
    });
    expect(res.status).toBe(200);
    expect((await tokenCall(refreshForm(tokens.refreshToken))).status).toBe(400);
  });

  it('holds refreshes at a gate and fails the next one on demand', async () => {
    const tokens = google.issueTokens();
    const gate = google.holdRefreshes();
    const pending = tokenCall(refreshForm(tokens.refreshToken));
    await gate.arrived;
    gate.release();
    expect((await pending).status).toBe(200);
    google.failNextRefresh('invalid_grant');
    expect((await tokenCall(refreshForm(tokens.refreshToken))).status).toBe(400);
    google.failNextRefresh('server_error');
    expect((await tokenCall(refreshForm(tokens.refreshToken))).status).toBe(500);
    expect((await tokenCall(refreshForm(tokens.refreshToken))).status).toBe(200);
  });

  it('lets access tokens expire after expiresIn', async () => {
    google.expiresIn = 0;
    const tokens = google.issueTokens();
    expect(google.isLiveAccessToken(tokens.accessToken)).toBe(false);
    google.expiresIn = 3599;
    const refreshed = (await (await tokenCall(refreshForm(tokens.refreshToken))).json()) as TokenAnswer;
    expect(google.isLiveAccessToken(refreshed.access_token)).toBe(true);
  });
});

describe('userinfo and tokeninfo', () => {
  it('names the Google account behind a live access token', async () => {
    google.account = {
      ...DEFAULT_GOOGLE_ACCOUNT,
      sub: '108000000000000000777',
      email: 'second@example.test',
    };
    const tokens = await signIn();
    const res = await fetch(google.userinfoUrl, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: '108000000000000000777',
      email: 'second@example.test',
      verified_email: true,
      name: DEFAULT_GOOGLE_ACCOUNT.name,
      given_name: DEFAULT_GOOGLE_ACCOUNT.givenName,
      family_name: DEFAULT_GOOGLE_ACCOUNT.familyName,
      picture: DEFAULT_GOOGLE_ACCOUNT.picture,
    });
    expect(google.calls.userinfo).toBe(1);

    const info = await fetch(google.settings().tokeninfoUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await info.json()).toMatchObject({
      aud: FAKE_GOOGLE_CLIENT_ID,
      sub: '108000000000000000777',
      email: 'second@example.test',
      access_type: 'offline',
    });
  });

  it('refuses a missing, unknown or revoked token with 401 UNAUTHENTICATED', async () => {
    const missing = await fetch(google.userinfoUrl);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    const tokens = google.issueTokens();
    google.revoke(tokens.refreshToken);
    const revoked = await fetch(google.userinfoUrl, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(revoked.status).toBe(401);
    const info = await fetch(`${google.settings().tokeninfoUrl}?access_token=ya29.unknown`);
    expect(info.status).toBe(400);
    expect(await info.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid Value' });
  });
});
