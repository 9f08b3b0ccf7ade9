import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import {
  ACCOUNT_TYPES,
  CREDENTIAL_OF,
  defaultBaseUrl,
  isTokenType,
  missingSecrets,
  OAUTH_ACCOUNT_TYPES,
  PLATFORM_OF,
  TOKEN_ACCOUNT_TYPES,
} from '../../src/services/accounts/account-types.js';
import { jwtClaims } from '../../src/services/accounts/oauth/jwt-claims.js';
import { OAUTH_KINDS, TOKEN_KINDS } from '../../src/services/accounts/oauth/oauth-kinds.js';
import { DEFAULT_OAUTH_SETTINGS } from '../../src/services/accounts/oauth/oauth-settings.js';
import { fakeJwt } from '../support/fake-openai-oauth.js';

describe('account kinds', () => {
  it('puts both OpenAI kinds in the openai pool with their own bases and credentials', () => {
    expect(PLATFORM_OF['openai-api']).toBe('openai');
    expect(PLATFORM_OF['openai-oauth']).toBe('openai');
    expect(defaultBaseUrl('openai-api', undefined)).toBe('https://api.openai.com/v1');
    expect(defaultBaseUrl('openai-oauth', undefined)).toBe('https://chatgpt.com/backend-api/codex');
    expect(missingSecrets('openai-api', {})).toEqual(['credentials.apiKey']);
    expect(missingSecrets('openai-oauth', { accessToken: 'a', refreshToken: 'r', expiresAt: 1 })).toEqual([
      'credentials.chatgptAccountId',
    ]);
    expect(ACCOUNT_TYPES.filter((type) => CREDENTIAL_OF[type] === 'oauth')).toEqual(OAUTH_ACCOUNT_TYPES);
    expect(OAUTH_ACCOUNT_TYPES).toEqual(['claude-oauth', 'openai-oauth', 'gemini-oauth']);
  });

  it('puts both Gemini kinds in the gemini pool: an AI Studio key, or a Google sign-in on Code Assist', () => {
    expect(PLATFORM_OF['gemini-api']).toBe('gemini');
    expect(PLATFORM_OF['gemini-oauth']).toBe('gemini');
    expect(defaultBaseUrl('gemini-api', undefined)).toBe('https://generativelanguage.googleapis.com');
    expect(defaultBaseUrl('gemini-oauth', undefined)).toBe('https://cloudcode-pa.googleapis.com');
    expect(missingSecrets('gemini-api', {})).toEqual(['credentials.apiKey']);
    expect(missingSecrets('gemini-oauth', { accessToken: 'a' })).toEqual([
      'credentials.refreshToken',
      'credentials.expiresAt',
    ]);
  });

  it('puts droid accounts in the droid pool on Factory’s gateway: a Factory API key or WorkOS tokens', () => {
    expect(PLATFORM_OF.droid).toBe('droid');
    expect(defaultBaseUrl('droid', undefined)).toBe('https://api.factory.ai/api/llm');
    expect(missingSecrets('droid', { apiKey: 'fk-1' })).toEqual([]);
    // A refresh token is enough: the first request refreshes an access token from it.
    expect(missingSecrets('droid', { refreshToken: 'r' })).toEqual([]);
    expect(missingSecrets('droid', { accessToken: 'a' })).toEqual(['credentials.refreshToken']);
    expect(missingSecrets('droid', {})).toEqual(['credentials.apiKey']);
    // Refreshed like the OAuth kinds, but never signed in through the relay.
    expect(isTokenType('droid')).toBe(true);
    expect(OAUTH_ACCOUNT_TYPES).not.toContain('droid');
    expect(TOKEN_ACCOUNT_TYPES).toEqual([...OAUTH_ACCOUNT_TYPES, 'droid']);
  });
});

describe('OAuth settings', () => {
  it('defaults to the values of the environment schema, for every kind', () => {
    expect(loadConfig({}).oauth).toEqual(DEFAULT_OAUTH_SETTINGS);
    expect(Object.keys(DEFAULT_OAUTH_SETTINGS).sort()).toEqual([...TOKEN_ACCOUNT_TYPES].sort());
  });

  it('signs in to ChatGPT as the Codex CLI does unless OPENAI_OAUTH_* says otherwise', () => {
    expect(DEFAULT_OAUTH_SETTINGS['openai-oauth']).toEqual({
      authorizeUrl: 'https://auth.openai.com/oauth/authorize',
      tokenUrl: 'https://auth.openai.com/oauth/token',
      clientId: 'app_EMoamEEZ73f0CkXaXp7hrann',
      redirectUri: 'http://localhost:1455/auth/callback',
      scopes: 'openid profile email offline_access',
      refreshSkewMs: 300_000,
    });
    const config = loadConfig({
      OPENAI_OAUTH_AUTHORIZE_URL: 'https://auth.example.test/authorize',
      OPENAI_OAUTH_TOKEN_URL: 'https://auth.example.test/token',
      OPENAI_OAUTH_CLIENT_ID: 'app_other',
      OPENAI_OAUTH_REDIRECT_URI: 'http://localhost:1457/auth/callback',
      OPENAI_OAUTH_SCOPES: 'openid offline_access',
      OAUTH_REFRESH_SKEW_MS: '60000',
    });
    expect(config.oauth['openai-oauth']).toEqual({
      authorizeUrl: 'https://auth.example.test/authorize',
      tokenUrl: 'https://auth.example.test/token',
      clientId: 'app_other',
      redirectUri: 'http://localhost:1457/auth/callback',
      scopes: 'openid offline_access',
      refreshSkewMs: 60_000,
    });
    expect(config.oauth['claude-oauth']).toEqual({
      ...DEFAULT_OAUTH_SETTINGS['claude-oauth'],
      refreshSkewMs: 60_000,
    });
  });
});

describe('the ChatGPT (openai-oauth) kind', () => {
  const kind = OAUTH_KINDS['openai-oauth'];
  const settings = DEFAULT_OAUTH_SETTINGS['openai-oauth'];

  it('redeems codes form-encoded without the state, and refreshes with a JSON body', () => {
    expect(kind.exchangeRequest({ code: 'c', verifier: 'v', state: 's' }, settings)).toEqual({
      encoding: 'form',
      body: {
        grant_type: 'authorization_code',
        code: 'c',
        redirect_uri: 'http://localhost:1455/auth/callback',
        client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
        code_verifier: 'v',
      },
    });
    expect(kind.refreshRequest('rt', settings)).toEqual({
      encoding: 'json',
      body: { client_id: 'app_EMoamEEZ73f0CkXaXp7hrann', grant_type: 'refresh_token', refresh_token: 'rt' },
    });
  });

  it('reads the ChatGPT account id and email from the id_token, and the expiry from expires_in or exp', () => {
    const idToken = fakeJwt({
      'https://api.openai.com/auth': { chatgpt_account_id: 'acct-9', chatgpt_plan_type: 'plus' },
      'https://api.openai.com/profile': { email: 'p@example.test' },
    });
    const accessToken = fakeJwt({ exp: 2_000_000_000 });
    const withLifetime = kind.readGrant({
      access_token: accessToken,
      refresh_token: 'rt',
      id_token: idToken,
      expires_in: 600,
    });
    expect(withLifetime).toMatchObject({
      accessToken,
      refreshToken: 'rt',
      expiry: { afterSeconds: 600 },
      accountEmail: 'p@example.test',
      identity: { chatgptAccountId: 'acct-9' },
    });
    expect(kind.readGrant({ access_token: accessToken }).expiry).toEqual({ atMs: 2_000_000_000_000 });
    expect(kind.readGrant({ access_token: accessToken }).identity).toEqual({});
    expect(() => kind.readGrant({ access_token: 'opaque' })).toThrow(/no lifetime/);
    expect(() => kind.readGrant({ refresh_token: 'rt' })).toThrow(/unexpected body/);
  });

  it('treats a 401 or a refresh_token_* code as a dead refresh token, and other failures as passing', () => {
    expect(kind.refreshRefused({ status: 401, oauthError: undefined })).toBe(true);
    expect(kind.refreshRefused({ status: 400, oauthError: 'refresh_token_expired' })).toBe(true);
    expect(kind.refreshRefused({ status: 400, oauthError: 'REFRESH_TOKEN_REUSED' })).toBe(true);
    expect(kind.refreshRefused({ status: 400, oauthError: 'invalid_grant' })).toBe(true);
    expect(kind.refreshRefused({ status: 500, oauthError: 'server_error' })).toBe(false);
    expect(kind.refreshRefused({ status: 400, oauthError: 'invalid_request' })).toBe(false);
    // Claude's endpoint answers 401 invalid_client for a wrong client id: the relay's settings, not the token.
    expect(OAUTH_KINDS['claude-oauth'].refreshRefused({ status: 401, oauthError: 'invalid_client' })).toBe(
      false,
    );
  });
});

describe('the Google (gemini-oauth) kind', () => {
  const kind = OAUTH_KINDS['gemini-oauth'];
  const settings = DEFAULT_OAUTH_SETTINGS['gemini-oauth'];

  it('signs in as Gemini CLI does: its installed-app client, offline access, the no-browser redirect', () => {
    expect(settings).toMatchObject({
      authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      clientId: '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com',
      redirectUri: 'https://codeassist.google.com/authcode',
    });
    expect(settings.scopes.split(' ')).toContain('https://www.googleapis.com/auth/cloud-platform');
    expect(kind.authorizeParams).toMatchObject({ access_type: 'offline' });
  });

  it('sends the client secret in form-encoded code and refresh requests', () => {
    expect(kind.exchangeRequest({ code: 'c', verifier: 'v', state: 's' }, settings)).toEqual({
      encoding: 'form',
      body: {
        grant_type: 'authorization_code',
        code: 'c',
        code_verifier: 'v',
        redirect_uri: settings.redirectUri,
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
      },
    });
    expect(kind.refreshRequest('r', settings)).toEqual({
      encoding: 'form',
      body: {
        grant_type: 'refresh_token',
        refresh_token: 'r',
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
      },
    });
  });

  it('reads the email from the id_token, keeps no refresh token a refresh did not send, and dies on invalid_grant', () => {
    const grant = kind.readGrant({
      access_token: 'ya29.a',
      expires_in: 3599,
      refresh_token: '1//r',
      id_token: fakeJwt({ email: 'dev@example.com', sub: '1' }),
      scope: 'openid https://www.googleapis.com/auth/cloud-platform',
      token_type: 'Bearer',
    });
    expect(grant).toMatchObject({
      accessToken: 'ya29.a',
      refreshToken: '1//r',
      accountEmail: 'dev@example.com',
    });
    expect(grant.expiry).toEqual({ afterSeconds: 3599 });
    expect(kind.readGrant({ access_token: 'ya29.b', expires_in: 3599 }).refreshToken).toBeUndefined();
    expect(kind.refreshRefused({ status: 400, oauthError: 'invalid_grant' })).toBe(true);
    expect(kind.refreshRefused({ status: 500, oauthError: undefined })).toBe(false);
  });
});

describe('the Factory (droid) WorkOS kind', () => {
  const kind = TOKEN_KINDS.droid;
  const settings = DEFAULT_OAUTH_SETTINGS.droid;

  it('refreshes as the Droid CLI does: its WorkOS client, a form-encoded refresh_token grant', () => {
    expect(settings).toEqual({
      tokenUrl: 'https://api.workos.com/user_management/authenticate',
      clientId: 'client_01HNM792M5G5G1A2THWPXKFMXB',
      refreshSkewMs: 300_000,
    });
    expect(kind.refreshRequest('r', settings)).toEqual({
      encoding: 'form',
      body: {
        grant_type: 'refresh_token',
        refresh_token: 'r',
        client_id: 'client_01HNM792M5G5G1A2THWPXKFMXB',
      },
    });
    const config = loadConfig({
      DROID_OAUTH_TOKEN_URL: 'https://workos.example.test/user_management/authenticate',
      DROID_OAUTH_CLIENT_ID: 'client_other',
      OAUTH_REFRESH_SKEW_MS: '60000',
    });
    expect(config.oauth.droid).toEqual({
      tokenUrl: 'https://workos.example.test/user_management/authenticate',
      clientId: 'client_other',
      refreshSkewMs: 60_000,
    });
  });

  it('takes the expiry from the access token’s exp (WorkOS sends no expires_in) and the email from the user', () => {
    const accessToken = fakeJwt({ sub: 'user_1', org_id: 'org_1', exp: 2_000_000_000 });
    const grant = kind.readGrant({
      user: { object: 'user', id: 'user_1', email: 'dev@example.test' },
      organization_id: 'org_1',
      access_token: accessToken,
      refresh_token: 'rotated',
      authentication_method: 'GoogleOAuth',
    });
    expect(grant).toEqual({
      accessToken,
      refreshToken: 'rotated',
      expiry: { atMs: 2_000_000_000_000 },
      scopes: [],
      accountEmail: 'dev@example.test',
      organizationName: undefined,
      identity: {},
    });
    expect(kind.readGrant({ access_token: 'opaque', expires_in: 600 }).expiry).toEqual({ afterSeconds: 600 });
    expect(() => kind.readGrant({ access_token: 'opaque', refresh_token: 'r' })).toThrow(/no lifetime/);
    expect(() => kind.readGrant({ refresh_token: 'r' })).toThrow(/unexpected body/);
  });

  it('treats invalid_grant as a dead refresh token, and other failures as passing', () => {
    expect(kind.refreshRefused({ status: 400, oauthError: 'invalid_grant' })).toBe(true);
    expect(kind.refreshRefused({ status: 400, oauthError: 'invalid_client' })).toBe(false);
    expect(kind.refreshRefused({ status: 500, oauthError: 'server_error' })).toBe(false);
  });
});

describe('JWT claims', () => {
  it('decodes a compact JWT payload and refuses anything else', () => {
    expect(jwtClaims(fakeJwt({ sub: 'x', n: 1 }))).toEqual({ sub: 'x', n: 1 });
    expect(jwtClaims('not-a-jwt')).toBeUndefined();
    expect(jwtClaims('a..c')).toBeUndefined();
    expect(jwtClaims(`a.${Buffer.from('[1]').toString('base64url')}.c`)).toBeUndefined();
    expect(jwtClaims(`a.${Buffer.from('{oops').toString('base64url')}.c`)).toBeUndefined();
  });
});
