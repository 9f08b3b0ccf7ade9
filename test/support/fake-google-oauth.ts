// A fake of Google's OAuth 2.0 endpoints as Gemini CLI's "Login with Google" meets them (google-auth-library's
// OAuth2Client; gemini-cli code_assist/oauth2.ts), all on one 127.0.0.1 origin:
// - GET /o/oauth2/v2/auth (accounts.google.com): checks the CLI's query (client_id, response_type=code, a registered
//   redirect URI, access_type=offline, scopes, state, PKCE S256 for the manual `codeassist.google.com/authcode`
//   flow) and redirects to the redirect URI with a single-use code bound to the challenge; `approve()` / `authorize()`
//   play the same step without HTTP.
// - POST /token (oauth2.googleapis.com): form-encoded only, client_secret_post (or HTTP Basic); the code exchange
//   answers `{access_token: "ya29.…", expires_in, refresh_token: "1//…", scope, token_type: "Bearer", id_token}`,
//   a refresh the same without `refresh_token` (Google does not rotate it). Refusals as Google's: 400 invalid_grant,
//   401 invalid_client, 400 redirect_uri_mismatch / invalid_request / unsupported_grant_type.
// - GET /oauth2/v2/userinfo (www.googleapis.com, bearer): `{id, email, verified_email, name, given_name,
//   family_name, picture}`; POST|GET /tokeninfo; POST /revoke (revokes the whole grant).
// Plus a refresh gate, failure injection and counters, as the other fake OAuth servers have.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Fake values (the relay must be configured with these, not Gemini CLI's real client). */
export const FAKE_GOOGLE_CLIENT_ID = '000000000000-fakegeminicli00000000000000000.apps.googleusercontent.com';
export const FAKE_GOOGLE_CLIENT_SECRET = 'GOCSPX-fake0000000000000000secret';
/** The redirect URI of Gemini CLI's manual (no-browser) flow: Google's page that shows the code to paste. */
export const GOOGLE_MANUAL_REDIRECT_URI = 'https://codeassist.google.com/authcode';
/** The scopes Gemini CLI asks for, space-separated as in the authorize URL. */
export const GEMINI_CLI_SCOPES =
  'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile';

const AUTHORIZE_PATH = '/o/oauth2/v2/auth';
const TOKEN_PATH = '/token';
const USERINFO_PATH = '/oauth2/v2/userinfo';
const TOKENINFO_PATH = '/tokeninfo';
const REVOKE_PATH = '/revoke';
const MAX_BODY_BYTES = 64 * 1024;
const CODE_TTL_MS = 10 * 60_000;
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
const EMAIL_SCOPES = new Set(['email', 'https://www.googleapis.com/auth/userinfo.email']);
const PROFILE_SCOPES = new Set(['profile', 'https://www.googleapis.com/auth/userinfo.profile']);
const KNOWN_SCOPES = new Set([CLOUD_PLATFORM, 'openid', ...EMAIL_SCOPES, ...PROFILE_SCOPES]);
const INVALID_CREDENTIALS =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const MISSING_CREDENTIALS =
  'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** The Google account that signs in (its `sub` is the userinfo `id`). */
export interface GoogleAccountProfile {
  sub: string;
  email: string;
  name: string;
  givenName: string;
  familyName: string;
  picture: string;
}

export const DEFAULT_GOOGLE_ACCOUNT: GoogleAccountProfile = {
  sub: '108000000000000000001',
  email: 'gemini-user@example.test',
  name: 'Gemini User',
  givenName: 'Gemini',
  familyName: 'User',
  picture: 'https://lh3.googleusercontent.com/a/fake-gemini-user=s96-c',
};

export interface GoogleTokens {
  accessToken: string;
  refreshToken: string;
  idToken: string;
  expiresIn: number;
}

/** What the authorize step hands back. */
export interface GoogleApproval {
  /** The code: what codeassist.google.com/authcode shows the user to paste. */
  code: string;
  state: string;
  /** Where the browser is redirected: the redirect URI with `state`, `code` and `scope`. */
  redirectUrl: string;
}

/** How the next refresh fails: refused (`invalid_grant`, as for a revoked token) or a 500. */
export type GoogleRefreshFailure = 'invalid_grant' | 'server_error';

/** A token-endpoint call as received (secrets included: this is a test fake). */
export interface ReceivedGoogleTokenCall {
  contentType: string;
  authorization: string | undefined;
  body: Record<string, string>;
}

export interface GoogleRefreshGate {
  arrived: Promise<void>;
  release(): void;
}

/** Where the relay should send its Google OAuth calls, and which client it presents. */
export interface FakeGoogleOAuthSettings {
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  tokeninfoUrl: string;
  revokeUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string;
  refreshSkewMs: number;
}

export interface FakeGoogleOAuth {
  origin: string;
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  settings(overrides?: Partial<FakeGoogleOAuthSettings>): FakeGoogleOAuthSettings;
  /** Environment variables `<prefix>AUTHORIZE_URL`, `TOKEN_URL`, `USERINFO_URL`, `CLIENT_ID`, `CLIENT_SECRET`, `REDIRECT_URI`. */
  env(prefix?: string): Record<string, string>;
  /**
   * Plays the user consenting at `authorizationUrl`: checks the query as Google would for Gemini CLI's client
   * (throws when it is wrong) and returns the code, the state and the redirect.
   */
  approve(authorizationUrl: string): GoogleApproval;
  /** `approve(...).code`: what the user pastes in the manual flow. */
  authorize(authorizationUrl: string): string;
  /** The redirect of a refused consent (`error=access_denied` by default). */
  deny(authorizationUrl: string, error?: string): string;
  /** Tokens as if issued earlier by a sign-in of `account`, for accounts created without the flow. */
  issueTokens(): GoogleTokens;
  /** Revokes the grant of a refresh or access token (its refresh token and every access token from it). */
  revoke(token: string): boolean;
  /** Whether an access token was issued here, is not expired and its grant is not revoked. */
  isLiveAccessToken(token: string): boolean;
  /** The account that signs in from now on. */
  account: GoogleAccountProfile;
  /** Lifetime of access tokens issued from now on, in seconds (Google: 3599). */
  expiresIn: number;
  readonly calls: {
    authorize: number;
    exchange: number;
    refresh: number;
    userinfo: number;
    tokeninfo: number;
    revoke: number;
  };
  readonly received: ReceivedGoogleTokenCall[];
  readonly lastAccessToken: string | undefined;
  readonly lastRefreshToken: string | undefined;
  /** Refreshes wait at the gate until `release()`. */
  holdRefreshes(): GoogleRefreshGate;
  /** The next refresh fails this way (after passing the gate). */
  failNextRefresh(failure: GoogleRefreshFailure): void;
  close(): Promise<void>;
}

interface Grant {
  profile: GoogleAccountProfile;
  scopes: string[];
  refreshToken: string | undefined;
  revoked: boolean;
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

interface PendingCode {
  challenge: string | undefined;
  redirectUri: string;
  scopes: string[];
  offline: boolean;
  profile: GoogleAccountProfile;
  expiresAt: number;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Thrown by the authorize checks: an error page's `Error <status>: <error>`. */
class AuthorizeError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    detail: string,
  ) {
    super(`authorize: ${error}: ${detail}`);
  }
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A compact JWT with a fake signature: the relay reads claims from tokens it got over TLS, never verifies. */
function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = { alg: 'RS256', kid: 'fake-google-key', typ: 'JWT' };
  return `${part(header)}.${part(claims)}.${randomBytes(32).toString('base64url')}`;
}

function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

function rpcError(status: number, message: string, rpcStatus: string): Reply {
  return {
    status,
    body: { error: { code: status, message, status: rpcStatus } },
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  };
}

/** A loopback redirect URI (any port: Google allows them for installed apps), or the manual flow's page. */
function registeredRedirect(uri: string): boolean {
  if (uri === GOOGLE_MANUAL_REDIRECT_URI) return true;
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
  } catch {
    return false;
  }
}

function hasIdentityScope(scopes: readonly string[]): boolean {
  return scopes.some((scope) => scope === 'openid' || EMAIL_SCOPES.has(scope) || PROFILE_SCOPES.has(scope));
}

/** The scopes Google reports as granted: the asked ones, plus `openid` once an identity scope is there. */
function grantedScopes(asked: readonly string[]): string[] {
  const granted = [...new Set(asked)];
  if (hasIdentityScope(granted) && !granted.includes('openid')) granted.push('openid');
  return granted;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function bearer(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  const match = auth === undefined ? null : /^Bearer\s+(\S+)$/i.exec(auth.trim());
  return match?.[1];
}

/** HTTP Basic client credentials (client_secret_basic), when sent. */
function basicClient(req: IncomingMessage): { id: string; secret: string } | undefined {
  const auth = req.headers.authorization;
  const match = auth === undefined ? null : /^Basic\s+(\S+)$/i.exec(auth.trim());
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

export async function startFakeGoogleOAuth(
  options: { expiresIn?: number; account?: GoogleAccountProfile } = {},
): Promise<FakeGoogleOAuth> {
  const codes = new Map<string, PendingCode>();
  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, AccessToken>();
  const calls = { authorize: 0, exchange: 0, refresh: 0, userinfo: 0, tokeninfo: 0, revoke: 0 };
  const received: ReceivedGoogleTokenCall[] = [];
  const failures: GoogleRefreshFailure[] = [];
  const sockets = new Set<Socket>();
  let gate: { opened: Promise<void>; open: () => void; arrive: () => void } | undefined;
  let lastAccessToken: string | undefined;
  let lastRefreshToken: string | undefined;
  const state = {
    expiresIn: options.expiresIn ?? 3599,
    account: options.account ?? DEFAULT_GOOGLE_ACCOUNT,
  };

  const idToken = (grant: Grant, accessToken: string): string => {
    const now = Math.floor(Date.now() / 1000);
    const p = grant.profile;
    const email = grant.scopes.some((scope) => EMAIL_SCOPES.has(scope));
    const profile = grant.scopes.some((scope) => PROFILE_SCOPES.has(scope));
    return fakeJwt({
      iss: 'https://accounts.google.com',
      azp: FAKE_GOOGLE_CLIENT_ID,
      aud: FAKE_GOOGLE_CLIENT_ID,
      sub: p.sub,
      ...(email ? { email: p.email, email_verified: true } : {}),
      at_hash: createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url'),
      ...(profile
        ? { name: p.name, picture: p.picture, given_name: p.givenName, family_name: p.familyName }
        : {}),
      iat: now,
      exp: now + 3600,
    });
  };

  const newAccessToken = (grant: Grant): string => {
    const token = `ya29.a0${randomBytes(48).toString('base64url')}`;
    accessTokens.set(token, { grant, expiresAt: Date.now() + state.expiresIn * 1000 });
    lastAccessToken = token;
    return token;
  };

  const newGrant = (profile: GoogleAccountProfile, scopes: string[], offline: boolean): Grant => {
    const grant: Grant = { profile, scopes, refreshToken: undefined, revoked: false };
    if (offline) {
      grant.refreshToken = `1//0${randomBytes(60).toString('base64url')}`;
      grants.set(grant.refreshToken, grant);
      lastRefreshToken = grant.refreshToken;
    }
    return grant;
  };

  /** Google's token answer, in its key order; `refresh_token` only on the code exchange. */
  const tokenAnswer = (grant: Grant, withRefreshToken: boolean): Reply => {
    const accessToken = newAccessToken(grant);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        expires_in: state.expiresIn,
        ...(withRefreshToken && grant.refreshToken !== undefined
          ? { refresh_token: grant.refreshToken }
          : {}),
        scope: grant.scopes.join(' '),
        token_type: 'Bearer',
        ...(hasIdentityScope(grant.scopes) ? { id_token: idToken(grant, accessToken) } : {}),
      },
    };
  };

  const liveAccess = (token: string | undefined): AccessToken | undefined => {
    if (token === undefined) return undefined;
    const access = accessTokens.get(token);
    if (access === undefined || access.grant.revoked || access.expiresAt <= Date.now()) return undefined;
    return access;
  };

  const revokeGrant = (token: string): boolean => {
    const grant = grants.get(token) ?? accessTokens.get(token)?.grant;
    if (grant === undefined || grant.revoked) return false;
    grant.revoked = true;
    return true;
  };

  const exchange = (body: Record<string, string>): Reply => {
    calls.exchange += 1;
    const code = body.code;
    if (code === undefined || code === '') {
      return oauthError(400, 'invalid_request', 'Missing required parameter: code');
    }
    const pending = codes.get(code);
    codes.delete(code); // single use, whatever happens next
    if (pending === undefined || pending.expiresAt <= Date.now()) {
      return oauthError(400, 'invalid_grant', 'Bad Request');
    }
    if (body.redirect_uri !== pending.redirectUri) {
      return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    }
    if (pending.challenge !== undefined) {
      const verifier = body.code_verifier;
      if (verifier === undefined || verifier === '') {
        return oauthError(400, 'invalid_grant', 'Missing code verifier.');
      }
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || s256(verifier) !== pending.challenge) {
        return oauthError(400, 'invalid_grant', 'Bad Request');
      }
    }
    return tokenAnswer(newGrant(pending.profile, pending.scopes, pending.offline), true);
  };

  const refresh = async (body: Record<string, string>): Promise<Reply> => {
    calls.refresh += 1;
    const held = gate;
    if (held) {
      held.arrive();
      await held.opened;
    }
    const refreshToken = body.refresh_token;
    if (refreshToken === undefined || refreshToken === '') {
      return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    }
    const failure = failures.shift();
    if (failure === 'server_error') return oauthError(500, 'internal_failure', 'Backend Error');
    const grant = grants.get(refreshToken);
    if (failure === 'invalid_grant' || grant?.revoked) {
      return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    }
    if (grant === undefined) return oauthError(400, 'invalid_grant', 'Bad Request');
    return tokenAnswer(grant, false);
  };

  const token = async (req: IncomingMessage): Promise<Reply> => {
    const contentType = req.headers['content-type'] ?? '';
    const text = await readBody(req);
    if (text === undefined) return oauthError(400, 'invalid_request', 'Request body too large');
    if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return oauthError(
        400,
        'invalid_request',
        'Invalid Content-Type; expected application/x-www-form-urlencoded',
      );
    }
    const body = Object.fromEntries(new URLSearchParams(text));
    received.push({ contentType, authorization: req.headers.authorization, body });
    const basic = basicClient(req);
    const clientId = basic?.id ?? body.client_id;
    const clientSecret = basic?.secret ?? body.client_secret;
    if (clientId !== FAKE_GOOGLE_CLIENT_ID) {
      return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    }
    if (clientSecret !== FAKE_GOOGLE_CLIENT_SECRET) return oauthError(401, 'invalid_client', 'Unauthorized');
    switch (body.grant_type) {
      case 'authorization_code':
        return exchange(body);
      case 'refresh_token':
        return refresh(body);
      case undefined:
      case '':
        return oauthError(400, 'unsupported_grant_type', 'Invalid grant_type: ');
      default:
        return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${body.grant_type}`);
    }
  };

  const userinfo = (req: IncomingMessage, query: URLSearchParams): Reply => {
    calls.userinfo += 1;
    const presented = bearer(req) ?? query.get('access_token') ?? undefined;
    if (presented === undefined) return rpcError(401, MISSING_CREDENTIALS, 'UNAUTHENTICATED');
    const access = liveAccess(presented);
    if (access === undefined) return rpcError(401, INVALID_CREDENTIALS, 'UNAUTHENTICATED');
    const { profile, scopes } = access.grant;
    const email = scopes.some((scope) => EMAIL_SCOPES.has(scope));
    const named = scopes.some((scope) => PROFILE_SCOPES.has(scope));
    return {
      status: 200,
      body: {
        id: profile.sub,
        ...(email ? { email: profile.email, verified_email: true } : {}),
        ...(named
          ? {
              name: profile.name,
              given_name: profile.givenName,
              family_name: profile.familyName,
              picture: profile.picture,
            }
          : {}),
      },
    };
  };

  const tokeninfo = async (req: IncomingMessage, query: URLSearchParams): Promise<Reply> => {
    calls.tokeninfo += 1;
    const text = req.method === 'POST' ? await readBody(req) : '';
    const form = new URLSearchParams(text ?? '');
    const presented = query.get('access_token') ?? form.get('access_token') ?? bearer(req);
    const access = liveAccess(presented ?? undefined);
    if (access === undefined) return oauthError(400, 'invalid_token', 'Invalid Value');
    const { profile, scopes } = access.grant;
    const email = scopes.some((scope) => EMAIL_SCOPES.has(scope));
    return {
      status: 200,
      body: {
        azp: FAKE_GOOGLE_CLIENT_ID,
        aud: FAKE_GOOGLE_CLIENT_ID,
        sub: profile.sub,
        scope: scopes.join(' '),
        exp: String(Math.floor(access.expiresAt / 1000)),
        expires_in: String(Math.max(0, Math.floor((access.expiresAt - Date.now()) / 1000))),
        ...(email ? { email: profile.email, email_verified: 'true' } : {}),
        access_type: access.grant.refreshToken === undefined ? 'online' : 'offline',
      },
    };
  };

  const revokeCall = async (req: IncomingMessage, query: URLSearchParams): Promise<Reply> => {
    calls.revoke += 1;
    const text = (await readBody(req)) ?? '';
    const presented = query.get('token') ?? new URLSearchParams(text).get('token') ?? '';
    if (!revokeGrant(presented)) return oauthError(400, 'invalid_token', 'Token expired or revoked');
    return { status: 200, body: {} };
  };

  let origin = '';

  /** The authorize query checks; returns what the code is bound to. */
  const checkAuthorize = (authorizationUrl: string) => {
    const url = new URL(authorizationUrl);
    if (`${url.origin}${url.pathname}` !== `${origin}${AUTHORIZE_PATH}`) {
      throw new Error(`authorize: not this server's authorize URL: ${url.origin}${url.pathname}`);
    }
    const query = url.searchParams;
    if (query.get('client_id') !== FAKE_GOOGLE_CLIENT_ID) {
      throw new AuthorizeError(401, 'invalid_client', 'The OAuth client was not found.');
    }
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!registeredRedirect(redirectUri)) {
      throw new AuthorizeError(
        400,
        'redirect_uri_mismatch',
        `redirect_uri is not registered: ${redirectUri}`,
      );
    }
    if (query.get('response_type') !== 'code') {
      throw new AuthorizeError(
        400,
        'invalid_request',
        `response_type is ${query.get('response_type')}, not code`,
      );
    }
    if (query.get('access_type') !== 'offline') {
      throw new AuthorizeError(
        400,
        'invalid_request',
        'access_type must be offline (no refresh token otherwise)',
      );
    }
    const scopes = (query.get('scope') ?? '').split(' ').filter((scope) => scope !== '');
    const unknown = scopes.find((scope) => !KNOWN_SCOPES.has(scope));
    if (unknown !== undefined)
      throw new AuthorizeError(400, 'invalid_scope', `Some requested scopes were invalid: ${unknown}`);
    if (!scopes.includes(CLOUD_PLATFORM)) {
      throw new AuthorizeError(400, 'invalid_scope', `scope lacks ${CLOUD_PLATFORM}`);
    }
    const stateParam = query.get('state') ?? '';
    if (stateParam === '') throw new AuthorizeError(400, 'invalid_request', 'state is missing');
    const challenge = query.get('code_challenge') ?? undefined;
    if (challenge === undefined) {
      if (redirectUri === GOOGLE_MANUAL_REDIRECT_URI) {
        throw new AuthorizeError(400, 'invalid_request', 'the manual flow needs PKCE (code_challenge)');
      }
    } else {
      if (query.get('code_challenge_method') !== 'S256') {
        throw new AuthorizeError(400, 'invalid_request', 'code_challenge_method must be S256');
      }
      if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
        throw new AuthorizeError(400, 'invalid_request', 'code_challenge is not an S256 base64url digest');
      }
    }
    return { challenge, stateParam, redirectUri, scopes: grantedScopes(scopes) };
  };

  const approve = (authorizationUrl: string): GoogleApproval => {
    calls.authorize += 1;
    const { challenge, stateParam, redirectUri, scopes } = checkAuthorize(authorizationUrl);
    const code = `4/0A${randomBytes(42).toString('base64url')}`;
    codes.set(code, {
      challenge,
      redirectUri,
      scopes,
      offline: true,
      profile: state.account,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    const redirect = new URL(redirectUri);
    redirect.searchParams.set('state', stateParam);
    redirect.searchParams.set('code', code);
    redirect.searchParams.set('scope', scopes.join(' '));
    return { code, state: stateParam, redirectUrl: redirect.toString() };
  };

  const authorizePage = (
    req: IncomingMessage,
  ): { status: number; headers: Record<string, string>; body: string } => {
    try {
      const { redirectUrl } = approve(`${origin}${req.url ?? ''}`);
      return { status: 302, headers: { location: redirectUrl }, body: '' };
    } catch (error) {
      const status = error instanceof AuthorizeError ? error.status : 400;
      const name = error instanceof AuthorizeError ? error.error : 'invalid_request';
      const message = error instanceof Error ? error.message : String(error);
      return {
        status,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: `<html><body><h1>Error ${status}: ${name}</h1><p>${message.replace(/[<>&]/g, '')}</p></body></html>`,
      };
    }
  };

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = url.pathname;
    if (req.method === 'POST' && path === TOKEN_PATH) return token(req);
    if (req.method === 'GET' && path === USERINFO_PATH) return userinfo(req, url.searchParams);
    if ((req.method === 'GET' || req.method === 'POST') && path === TOKENINFO_PATH) {
      return tokeninfo(req, url.searchParams);
    }
    if (req.method === 'POST' && path === REVOKE_PATH) return revokeCall(req, url.searchParams);
    return rpcError(404, 'Not Found', 'NOT_FOUND');
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === AUTHORIZE_PATH) {
      const page = authorizePage(req);
      res.writeHead(page.status, page.headers);
      res.end(page.body);
      return;
    }
    handle(req).then(
      (reply) => {
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      },
      () => {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"error":"internal_failure"}');
      },
    );
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  const fake: FakeGoogleOAuth = {
    origin,
    authorizeUrl: `${origin}${AUTHORIZE_PATH}`,
    tokenUrl: `${origin}${TOKEN_PATH}`,
    userinfoUrl: `${origin}${USERINFO_PATH}`,
    settings(overrides = {}) {
      return {
        authorizeUrl: `${origin}${AUTHORIZE_PATH}`,
        tokenUrl: `${origin}${TOKEN_PATH}`,
        userinfoUrl: `${origin}${USERINFO_PATH}`,
        tokeninfoUrl: `${origin}${TOKENINFO_PATH}`,
        revokeUrl: `${origin}${REVOKE_PATH}`,
        clientId: FAKE_GOOGLE_CLIENT_ID,
        clientSecret: FAKE_GOOGLE_CLIENT_SECRET,
        redirectUri: GOOGLE_MANUAL_REDIRECT_URI,
        scopes: GEMINI_CLI_SCOPES,
        refreshSkewMs: 300_000,
        ...overrides,
      };
    },
    env(prefix = 'GEMINI_OAUTH_') {
      const settings = fake.settings();
      return {
        [`${prefix}AUTHORIZE_URL`]: settings.authorizeUrl,
        [`${prefix}TOKEN_URL`]: settings.tokenUrl,
        [`${prefix}USERINFO_URL`]: settings.userinfoUrl,
        [`${prefix}CLIENT_ID`]: settings.clientId,
        [`${prefix}CLIENT_SECRET`]: settings.clientSecret,
        [`${prefix}REDIRECT_URI`]: settings.redirectUri,
      };
    },
    approve,
    authorize: (authorizationUrl) => approve(authorizationUrl).code,
    deny(authorizationUrl, error = 'access_denied') {
      const { stateParam, redirectUri } = checkAuthorize(authorizationUrl);
      const redirect = new URL(redirectUri);
      redirect.searchParams.set('error', error);
      redirect.searchParams.set('state', stateParam);
      return redirect.toString();
    },
    issueTokens() {
      const grant = newGrant(state.account, grantedScopes(GEMINI_CLI_SCOPES.split(' ')), true);
      const accessToken = newAccessToken(grant);
      return {
        accessToken,
        refreshToken: grant.refreshToken ?? '',
        idToken: idToken(grant, accessToken),
        expiresIn: state.expiresIn,
      };
    },
    revoke: revokeGrant,
    isLiveAccessToken: (candidate) => liveAccess(candidate) !== undefined,
    get account() {
      return state.account;
    },
    set account(profile: GoogleAccountProfile) {
      state.account = profile;
    },
    get expiresIn() {
      return state.expiresIn;
    },
    set expiresIn(seconds: number) {
      state.expiresIn = seconds;
    },
    calls,
    received,
    get lastAccessToken() {
      return lastAccessToken;
    },
    get lastRefreshToken() {
      return lastRefreshToken;
    },
    holdRefreshes() {
      let open = () => {};
      let arrive = () => {};
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      gate = { opened, open, arrive };
      return {
        arrived,
        release() {
          gate = undefined;
          open();
        },
      };
    },
    failNextRefresh(failure) {
      failures.push(failure);
    },
    async close() {
      gate?.open();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
