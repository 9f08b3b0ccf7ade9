// The fake's POST /token (oauth2.googleapis.com): form-encoded only, client_secret_post or HTTP Basic; the code
// exchange (with its PKCE check) and the refresh, with Google's refusals.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { FAKE_GOOGLE_CLIENT_ID, FAKE_GOOGLE_CLIENT_SECRET } from './constants.js';
import type { GoogleGrants } from './grants.js';
import { basicClient, oauthError, type Reply, readBody } from './http.js';
import type { RefreshControl } from './refresh-control.js';
import type { GoogleOAuthCalls, ReceivedGoogleTokenCall } from './types.js';

/** What the token endpoint reads and counts. */
export interface TokenEndpointContext {
  grants: GoogleGrants;
  calls: GoogleOAuthCalls;
  received: ReceivedGoogleTokenCall[];
  refreshes: RefreshControl;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function exchange(ctx: TokenEndpointContext, body: Record<string, string>): Reply {
  ctx.calls.exchange += 1;
  const code = body.code;
  if (code === undefined || code === '') {
    return oauthError(400, 'invalid_request', 'Missing required parameter: code');
  }
  const pending = ctx.grants.takeCode(code); // single use, whatever happens next
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
  return ctx.grants.tokenAnswer(ctx.grants.newGrant(pending.profile, pending.scopes, pending.offline), true);
}

async function refresh(ctx: TokenEndpointContext, body: Record<string, string>): Promise<Reply> {
  ctx.calls.refresh += 1;
  await ctx.refreshes.pass();
  const refreshToken = body.refresh_token;
  if (refreshToken === undefined || refreshToken === '') {
    return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
  }
  const failure = ctx.refreshes.nextFailure();
  if (failure === 'server_error') return oauthError(500, 'internal_failure', 'Backend Error');
  const grant = ctx.grants.grantOf(refreshToken);
  if (failure === 'invalid_grant' || grant?.revoked) {
    return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
  }
  if (grant === undefined) return oauthError(400, 'invalid_grant', 'Bad Request');
  return ctx.grants.tokenAnswer(grant, false);
}

export async function token(ctx: TokenEndpointContext, req: IncomingMessage): Promise<Reply> {
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
  ctx.received.push({ contentType, authorization: req.headers.authorization, body });
  const basic = basicClient(req);
  const clientId = basic?.id ?? body.client_id;
  const clientSecret = basic?.secret ?? body.client_secret;
  if (clientId !== FAKE_GOOGLE_CLIENT_ID) {
    return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  }
  if (clientSecret !== FAKE_GOOGLE_CLIENT_SECRET) return oauthError(401, 'invalid_client', 'Unauthorized');
  switch (body.grant_type) {
    case 'authorization_code':
      return exchange(ctx, body);
    case 'refresh_token':
      return refresh(ctx, body);
    case undefined:
    case '':
      return oauthError(400, 'unsupported_grant_type', 'Invalid grant_type: ');
    default:
      return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${body.grant_type}`);
  }
}
