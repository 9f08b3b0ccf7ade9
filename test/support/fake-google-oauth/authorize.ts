// The fake's authorize step (GET /o/oauth2/v2/auth, accounts.google.com): checks Gemini CLI's query (client_id,
// response_type=code, a registered redirect URI, access_type=offline, scopes, state, PKCE S256 for the manual
// flow) and issues a single-use code bound to the challenge; also the consent played without HTTP and its refusal.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  AUTHORIZE_PATH,
  CLOUD_PLATFORM,
  FAKE_GOOGLE_CLIENT_ID,
  GOOGLE_MANUAL_REDIRECT_URI,
  KNOWN_SCOPES,
} from './constants.js';
import { type GoogleGrants, grantedScopes } from './grants.js';
import type { GoogleApproval, GoogleOAuthCalls } from './types.js';

const CODE_TTL_MS = 10 * 60_000;

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

/** The authorize query checks; returns what the code is bound to. */
function checkAuthorize(origin: string, authorizationUrl: string) {
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
    throw new AuthorizeError(400, 'redirect_uri_mismatch', `redirect_uri is not registered: ${redirectUri}`);
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
}

/** The user consenting: checks the query, issues the code, returns it with the redirect. */
export function approve(
  grants: GoogleGrants,
  calls: GoogleOAuthCalls,
  origin: string,
  authorizationUrl: string,
): GoogleApproval {
  calls.authorize += 1;
  const { challenge, stateParam, redirectUri, scopes } = checkAuthorize(origin, authorizationUrl);
  const code = `4/0A${randomBytes(42).toString('base64url')}`;
  grants.addCode(code, {
    challenge,
    redirectUri,
    scopes,
    offline: true,
    profile: grants.account,
    expiresAt: Date.now() + CODE_TTL_MS,
  });
  const redirect = new URL(redirectUri);
  redirect.searchParams.set('state', stateParam);
  redirect.searchParams.set('code', code);
  redirect.searchParams.set('scope', scopes.join(' '));
  return { code, state: stateParam, redirectUrl: redirect.toString() };
}

/** The redirect of a refused consent, after the same query checks. */
export function deny(origin: string, authorizationUrl: string, error: string): string {
  const { stateParam, redirectUri } = checkAuthorize(origin, authorizationUrl);
  const redirect = new URL(redirectUri);
  redirect.searchParams.set('error', error);
  redirect.searchParams.set('state', stateParam);
  return redirect.toString();
}

/** The authorize endpoint over HTTP: a 302 to the redirect URI, or Google's error page. */
export function authorizePage(
  grants: GoogleGrants,
  calls: GoogleOAuthCalls,
  origin: string,
  req: IncomingMessage,
): { status: number; headers: Record<string, string>; body: string } {
  try {
    const { redirectUrl } = approve(grants, calls, origin, `${origin}${req.url ?? ''}`);
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
}
