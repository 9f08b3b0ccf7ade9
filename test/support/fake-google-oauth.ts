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
//
// The parts, in fake-google-oauth/: constants.ts (client, scopes, paths, default account), types.ts (the public
// types), grants.ts (codes, grants and tokens), authorize.ts, token-endpoint.ts and account-endpoints.ts (the
// endpoints), refresh-control.ts (gate and failure injection), http.ts (bodies, credentials, error replies); this
// file starts the server and routes to them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { revokeCall, tokeninfo, userinfo } from './fake-google-oauth/account-endpoints.js';
import { approve, authorizePage, deny } from './fake-google-oauth/authorize.js';
import {
  AUTHORIZE_PATH,
  FAKE_GOOGLE_CLIENT_ID,
  FAKE_GOOGLE_CLIENT_SECRET,
  GEMINI_CLI_SCOPES,
  GOOGLE_MANUAL_REDIRECT_URI,
  REVOKE_PATH,
  TOKEN_PATH,
  TOKENINFO_PATH,
  USERINFO_PATH,
} from './fake-google-oauth/constants.js';
import { GoogleGrants, grantedScopes } from './fake-google-oauth/grants.js';
import { type Reply, rpcError } from './fake-google-oauth/http.js';
import { RefreshControl } from './fake-google-oauth/refresh-control.js';
import { type TokenEndpointContext, token } from './fake-google-oauth/token-endpoint.js';
import type {
  FakeGoogleOAuth,
  GoogleAccountProfile,
  GoogleApproval,
  ReceivedGoogleTokenCall,
} from './fake-google-oauth/types.js';

export {
  DEFAULT_GOOGLE_ACCOUNT,
  FAKE_GOOGLE_CLIENT_ID,
  FAKE_GOOGLE_CLIENT_SECRET,
  GEMINI_CLI_SCOPES,
  GOOGLE_MANUAL_REDIRECT_URI,
} from './fake-google-oauth/constants.js';
export type {
  FakeGoogleOAuth,
  FakeGoogleOAuthSettings,
  GoogleAccountProfile,
  GoogleApproval,
  GoogleRefreshFailure,
  GoogleRefreshGate,
  GoogleTokens,
  ReceivedGoogleTokenCall,
} from './fake-google-oauth/types.js';

export async function startFakeGoogleOAuth(
  options: { expiresIn?: number; account?: GoogleAccountProfile } = {},
): Promise<FakeGoogleOAuth> {
  const grants = new GoogleGrants(options);
  const calls = { authorize: 0, exchange: 0, refresh: 0, userinfo: 0, tokeninfo: 0, revoke: 0 };
  const received: ReceivedGoogleTokenCall[] = [];
  const refreshes = new RefreshControl();
  const tokenContext: TokenEndpointContext = { grants, calls, received, refreshes };
  const sockets = new Set<Socket>();
  let origin = '';

  const approveAt = (authorizationUrl: string): GoogleApproval =>
    approve(grants, calls, origin, authorizationUrl);

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = url.pathname;
    if (req.method === 'POST' && path === TOKEN_PATH) return token(tokenContext, req);
    if (req.method === 'GET' && path === USERINFO_PATH) return userinfo(grants, calls, req, url.searchParams);
    if ((req.method === 'GET' || req.method === 'POST') && path === TOKENINFO_PATH) {
      return tokeninfo(grants, calls, req, url.searchParams);
    }
    if (req.method === 'POST' && path === REVOKE_PATH)
      return revokeCall(grants, calls, req, url.searchParams);
    return rpcError(404, 'Not Found', 'NOT_FOUND');
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === AUTHORIZE_PATH) {
      const page = authorizePage(grants, calls, origin, req);
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
    approve: approveAt,
    authorize: (authorizationUrl) => approveAt(authorizationUrl).code,
    deny: (authorizationUrl, error = 'access_denied') => deny(origin, authorizationUrl, error),
    issueTokens() {
      const grant = grants.newGrant(grants.account, grantedScopes(GEMINI_CLI_SCOPES.split(' ')), true);
      const accessToken = grants.newAccessToken(grant);
      return {
        accessToken,
        refreshToken: grant.refreshToken ?? '',
        idToken: grants.idToken(grant, accessToken),
        expiresIn: grants.expiresIn,
      };
    },
    revoke: (revoked) => grants.revoke(revoked),
    isLiveAccessToken: (candidate) => grants.liveAccess(candidate) !== undefined,
    get account() {
      return grants.account;
    },
    set account(profile: GoogleAccountProfile) {
      grants.account = profile;
    },
    get expiresIn() {
      return grants.expiresIn;
    },
    set expiresIn(seconds: number) {
      grants.expiresIn = seconds;
    },
    calls,
    received,
    get lastAccessToken() {
      return grants.lastAccessToken;
    },
    get lastRefreshToken() {
      return grants.lastRefreshToken;
    },
    holdRefreshes: () => refreshes.hold(),
    failNextRefresh(failure) {
      refreshes.failNext(failure);
    },
    async close() {
      refreshes.openGate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
