// A fake of WorkOS User Management's authenticate endpoint on 127.0.0.1, as Factory's sign-in (the Droid CLI's
// client) uses it: form-encoded `refresh_token` grants for one client id, rotating single-use refresh tokens,
// access tokens that are JWTs whose `exp` is their only lifetime (no `expires_in`), answers that carry the user and
// the organisation, `invalid_grant` for a spent or unknown refresh token, failure injection, and counters.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TokenSettings } from '../../src/services/accounts/oauth/oauth-settings.js';
import { oauthError, type Reply, readBody, sendReply } from './fake-oauth-http.js';
import { fakeJwt } from './fake-openai-oauth.js';

export const FAKE_WORKOS_CLIENT_ID = 'client_01FAKEWORKOS0000000000000';
export const FAKE_WORKOS_EMAIL = 'droid-user@example.test';
const AUTHENTICATE_PATH = '/user_management/authenticate';

export type WorkOSFailure = 'invalid_grant' | 'server_error';

export interface WorkOSTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, ms since the epoch (its `exp`). */
  expiresAt: number;
}

export interface FakeWorkOS {
  tokenUrl: string;
  settings(overrides?: Partial<TokenSettings>): TokenSettings;
  /** The relay's environment variables pointing at this server. */
  env(): Record<string, string>;
  /** Tokens as if a Droid CLI had signed in; `lifetimeSeconds` may be negative (already expired). */
  issueTokens(lifetimeSeconds?: number): WorkOSTokens;
  /** Whether Factory would take this bearer token: issued here, not expired, not revoked. */
  isLiveAccessToken(token: string): boolean;
  /** Revokes every access token issued so far (a signed-out session), refresh tokens untouched. */
  revokeAccessTokens(): void;
  /** Lifetime of access tokens issued by refreshes from now on, in seconds. */
  lifetimeSeconds: number;
  readonly calls: { refresh: number };
  /** Form bodies received, in order (token values included: this is a test fake). */
  readonly bodies: Record<string, string>[];
  /** The next refresh fails this way. */
  failNextRefresh(failure: WorkOSFailure): void;
  close(): Promise<void>;
}

async function readForm(req: IncomingMessage): Promise<Record<string, string> | undefined> {
  const text = await readBody(req);
  return text === undefined ? undefined : Object.fromEntries(new URLSearchParams(text));
}

export async function startFakeWorkOS(): Promise<FakeWorkOS> {
  const liveRefreshTokens = new Set<string>();
  /** Access token → its expiry (ms). */
  const accessTokens = new Map<string, number>();
  const revoked = new Set<string>();
  const calls = { refresh: 0 };
  const bodies: Record<string, string>[] = [];
  const failures: WorkOSFailure[] = [];
  const sockets = new Set<Socket>();
  const state = { lifetimeSeconds: 3600 };

  const issue = (lifetimeSeconds: number): WorkOSTokens => {
    const expiresAt = (Math.floor(Date.now() / 1000) + lifetimeSeconds) * 1000;
    const accessToken = fakeJwt({
      sub: 'user_01FAKE',
      org_id: 'org_01FAKE',
      sid: `session_${randomBytes(6).toString('hex')}`,
      exp: expiresAt / 1000,
    });
    const refreshToken = `wos-refresh-${randomBytes(18).toString('base64url')}`;
    accessTokens.set(accessToken, expiresAt);
    liveRefreshTokens.add(refreshToken);
    return { accessToken, refreshToken, expiresAt };
  };

  const refresh = (form: Record<string, string>): Reply => {
    calls.refresh += 1;
    const failure = failures.shift();
    if (failure === 'server_error') return oauthError(500, 'server_error', 'Something went wrong');
    // Rotation: a refresh token works once.
    if (failure === 'invalid_grant' || !liveRefreshTokens.delete(form.refresh_token ?? '')) {
      return oauthError(400, 'invalid_grant', 'Refresh token is invalid or has already been used');
    }
    const tokens = issue(state.lifetimeSeconds);
    return {
      status: 200,
      body: {
        user: { object: 'user', id: 'user_01FAKE', email: FAKE_WORKOS_EMAIL, first_name: 'Droid' },
        organization_id: 'org_01FAKE',
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken,
        authentication_method: 'GoogleOAuth',
      },
    };
  };

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    if (req.method !== 'POST' || req.url !== AUTHENTICATE_PATH) {
      return { status: 404, body: { message: 'Not found' } };
    }
    if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'Expected a form-encoded body');
    }
    const form = await readForm(req);
    if (!form) return oauthError(400, 'invalid_request', 'Body too large');
    bodies.push(form);
    if (form.client_id !== FAKE_WORKOS_CLIENT_ID) return oauthError(400, 'invalid_client', 'Unknown client');
    if (form.grant_type !== 'refresh_token') {
      return oauthError(400, 'unsupported_grant_type', 'Unsupported grant_type');
    }
    return refresh(form);
  };

  const server = createServer((req, res) => {
    handle(req).then(
      (reply) => sendReply(res, reply),
      () => sendReply(res, oauthError(500, 'server_error', 'Something went wrong')),
    );
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const tokenUrl = `http://127.0.0.1:${port}${AUTHENTICATE_PATH}`;

  const fake: FakeWorkOS = {
    tokenUrl,
    settings: (overrides = {}) => ({
      tokenUrl,
      clientId: FAKE_WORKOS_CLIENT_ID,
      refreshSkewMs: 300_000,
      ...overrides,
    }),
    env: () => ({ DROID_OAUTH_TOKEN_URL: tokenUrl, DROID_OAUTH_CLIENT_ID: FAKE_WORKOS_CLIENT_ID }),
    issueTokens: (lifetimeSeconds = state.lifetimeSeconds) => issue(lifetimeSeconds),
    isLiveAccessToken(token) {
      const expiresAt = accessTokens.get(token);
      return expiresAt !== undefined && expiresAt > Date.now() && !revoked.has(token);
    },
    revokeAccessTokens() {
      for (const token of accessTokens.keys()) revoked.add(token);
    },
    get lifetimeSeconds() {
      return state.lifetimeSeconds;
    },
    set lifetimeSeconds(seconds: number) {
      state.lifetimeSeconds = seconds;
    },
    calls,
    bodies,
    failNextRefresh(failure) {
      failures.push(failure);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
