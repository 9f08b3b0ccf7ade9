// The fake's endpoints that take an issued token: GET /oauth2/v2/userinfo (www.googleapis.com, bearer),
// GET|POST /tokeninfo and POST /revoke (revokes the whole grant).
import type { IncomingMessage } from 'node:http';
import { EMAIL_SCOPES, FAKE_GOOGLE_CLIENT_ID, PROFILE_SCOPES } from './constants.js';
import type { GoogleGrants } from './grants.js';
import { bearer, oauthError, type Reply, readBody, rpcError } from './http.js';
import type { GoogleOAuthCalls } from './types.js';

const INVALID_CREDENTIALS =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const MISSING_CREDENTIALS =
  'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

export function userinfo(
  grants: GoogleGrants,
  calls: GoogleOAuthCalls,
  req: IncomingMessage,
  query: URLSearchParams,
): Reply {
  calls.userinfo += 1;
  const presented = bearer(req) ?? query.get('access_token') ?? undefined;
  if (presented === undefined) return rpcError(401, MISSING_CREDENTIALS, 'UNAUTHENTICATED');
  const access = grants.liveAccess(presented);
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
}

export async function tokeninfo(
  grants: GoogleGrants,
  calls: GoogleOAuthCalls,
  req: IncomingMessage,
  query: URLSearchParams,
): Promise<Reply> {
  calls.tokeninfo += 1;
  const text = req.method === 'POST' ? await readBody(req) : '';
  const form = new URLSearchParams(text ?? '');
  const presented = query.get('access_token') ?? form.get('access_token') ?? bearer(req);
  const access = grants.liveAccess(presented ?? undefined);
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
}

export async function revokeCall(
  grants: GoogleGrants,
  calls: GoogleOAuthCalls,
  req: IncomingMessage,
  query: URLSearchParams,
): Promise<Reply> {
  calls.revoke += 1;
  const text = (await readBody(req)) ?? '';
  const presented = query.get('token') ?? new URLSearchParams(text).get('token') ?? '';
  if (!grants.revoke(presented)) return oauthError(400, 'invalid_token', 'Token expired or revoked');
  return { status: 200, body: {} };
}
