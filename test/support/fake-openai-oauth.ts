// A fake of auth.openai.com as the Codex CLI meets it (openai/codex codex-rs/login: server.rs, auth/manager.rs,
// token_data.rs), on 127.0.0.1: an authorize step that checks Codex's query and redirects to the registered
// localhost callback with a PKCE-bound single-use code; a token endpoint that takes the code exchange and JSON
// refreshes, answers with JWT access and id tokens carrying the `https://api.openai.com/auth` claim, rotates refresh
// tokens, and refuses like the real one: 400 `invalid_grant` for a bad code, 401 `{error: {code:
// refresh_token_reused|expired|invalidated}}` for a dead refresh token. Plus a refresh gate and counters.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OAuthSettings } from '../../src/services/accounts/oauth/oauth-settings.js';

export const FAKE_OPENAI_CLIENT_ID = 'app_fake0000codex';
/** Codex's registered callback: nothing listens there, the browser just ends on it. */
export const CODEX_REDIRECT_URI = 'http://localhost:1455/auth/callback';
const TOKEN_PATH = '/oauth/token';
const MAX_BODY_BYTES = 64 * 1024;

export type OpenAIRefreshFailure =
  | 'refresh_token_reused'
  | 'refresh_token_expired'
  | 'refresh_token_invalidated'
  | 'server_error';

export interface OpenAITokens {
  accessToken: string;
  refreshToken: string;
  idToken: string;
}

/** A token-endpoint call as received (token values included: this is a test fake). */
export interface ReceivedTokenCall {
  contentType: string;
  body: Record<string, string>;
}

export interface RefreshGate {
  arrived: Promise<void>;
  release(): void;
}

export interface FakeOpenAIOAuth {
  tokenUrl: string;
  /** Settings for the relay's openai-oauth kind, pointing at this server. */
  settings(overrides?: Partial<OAuthSettings>): OAuthSettings;
  /** The relay's environment variables pointing at this server. */
  env(): Record<string, string>;
  /**
   * Plays the user signing in at `authorizationUrl`: checks the query as auth.openai.com would for Codex's
   * client and returns the URL the browser is redirected to (the callback with `code`, `scope` and `state`).
   */
  authorize(authorizationUrl: string): string;
  /** The callback URL of a sign-in that failed (e.g. `access_denied` for a workspace without Codex). */
  deny(authorizationUrl: string, error: string, description: string): string;
  /** Tokens as if issued earlier, for accounts created without the flow. */
  issueTokens(): OpenAITokens;
  /** The ChatGPT account id put in the tokens issued from now on; undefined leaves the claim out. */
  chatgptAccountId: string | undefined;
  /** Lifetime of tokens issued from now on, in seconds (the access token's `exp` agrees). */
  expiresIn: number;
  /** Whether answers carry `expires_in`; without it the lifetime is only the access token's `exp`. */
  sendExpiresIn: boolean;
  /** Whether refresh answers carry a new id_token (Codex treats it as optional). */
  idTokenOnRefresh: boolean;
  readonly calls: { exchange: number; refresh: number };
  readonly received: ReceivedTokenCall[];
  readonly lastAccessToken: string | undefined;
  holdRefreshes(): RefreshGate;
  failNextRefresh(failure: OpenAIRefreshFailure): void;
  close(): Promise<void>;
}

interface PendingCode {
  challenge: string;
  redirectUri: string;
}

interface Reply {
  status: number;
  body: unknown;
}

/** A compact JWT with a fake signature: the relay reads claims from tokens it got over TLS, never verifies. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${randomBytes(16).toString('base64url')}`;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

/** How auth.openai.com refuses a refresh token (the body Codex's classify_refresh_token_failure reads). */
function refreshRefusal(code: string, message: string): Reply {
  return { status: 401, body: { error: { message, type: 'invalid_request_error', param: null, code } } };
}

async function readBody(req: IncomingMessage): Promise<Record<string, string> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (!type.startsWith('application/json')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const body: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) if (typeof item === 'string') body[key] = item;
    return body;
  } catch {
    return undefined;
  }
}

export async function startFakeOpenAIOAuth(
  options: { expiresIn?: number; chatgptAccountId?: string } = {},
): Promise<FakeOpenAIOAuth> {
  const codes = new Map<string, PendingCode>();
  const liveRefreshTokens = new Set<string>();
  /** Refresh tokens already traded: presenting one again is a reuse, as auth.openai.com reports it. */
  const usedRefreshTokens = new Set<string>();
  const calls = { exchange: 0, refresh: 0 };
  const received: ReceivedTokenCall[] = [];
  const failures: OpenAIRefreshFailure[] = [];
  const sockets = new Set<Socket>();
  let gate: { opened: Promise<void>; open: () => void; arrive: () => void } | undefined;
  let lastAccessToken: string | undefined;
  const state = {
    expiresIn: options.expiresIn ?? 864_000,
    chatgptAccountId: 'chatgptAccountId' in options ? options.chatgptAccountId : 'acct-chatgpt-fake-1',
    sendExpiresIn: true,
    idTokenOnRefresh: true,
  };

  const authClaim = () => ({
    ...(state.chatgptAccountId === undefined ? {} : { chatgpt_account_id: state.chatgptAccountId }),
    chatgpt_plan_type: 'pro',
    chatgpt_user_id: 'user-fake',
  });

  const issue = (): OpenAITokens => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      accessToken: fakeJwt({
        iss: 'https://auth.openai.com',
        exp: now + state.expiresIn,
        iat: now,
        scp: ['openid', 'profile', 'email', 'offline_access'],
        'https://api.openai.com/auth': authClaim(),
      }),
      refreshToken: `rt_fake_${randomBytes(24).toString('base64url')}`,
      idToken: fakeJwt({
        iss: 'https://auth.openai.com',
        aud: [FAKE_OPENAI_CLIENT_ID],
        exp: now + 3600,
        email: 'codex-user@example.test',
        'https://api.openai.com/auth': {
          ...authClaim(),
          organizations: [{ id: 'org-fake', is_default: true, role: 'owner', title: 'Personal' }],
        },
      }),
    };
    liveRefreshTokens.add(tokens.refreshToken);
    lastAccessToken = tokens.accessToken;
    return tokens;
  };

  const answer = (tokens: OpenAITokens, withIdToken: boolean): Reply => ({
    status: 200,
    body: {
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      ...(withIdToken ? { id_token: tokens.idToken } : {}),
      token_type: 'bearer',
      scope: 'openid profile email offline_access',
      ...(state.sendExpiresIn ? { expires_in: state.expiresIn } : {}),
    },
  });

  const exchange = (body: Record<string, string>): Reply => {
    calls.exchange += 1;
    const code = body.code ?? '';
    const pending = codes.get(code);
    codes.delete(code);
    if (!pending) return oauthError(400, 'invalid_grant', 'Invalid authorization code');
    if (body.redirect_uri !== pending.redirectUri) {
      return oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    }
    const verifier = body.code_verifier ?? '';
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || s256(verifier) !== pending.challenge) {
      return oauthError(400, 'invalid_grant', 'PKCE verification failed');
    }
    return answer(issue(), true);
  };

  const refresh = async (body: Record<string, string>): Promise<Reply> => {
    calls.refresh += 1;
    const held = gate;
    if (held) {
      held.arrive();
      await held.opened;
    }
    const failure = failures.shift();
    if (failure === 'server_error') return { status: 500, body: { error: { message: 'server error' } } };
    if (failure !== undefined) return refreshRefusal(failure, `Refresh token refused (${failure})`);
    const refreshToken = body.refresh_token ?? '';
    if (usedRefreshTokens.has(refreshToken)) {
      return refreshRefusal('refresh_token_reused', 'Your refresh token has already been used');
    }
    if (!liveRefreshTokens.delete(refreshToken)) {
      return refreshRefusal('refresh_token_invalidated', 'Your refresh token was revoked');
    }
    usedRefreshTokens.add(refreshToken);
    return answer(issue(), state.idTokenOnRefresh);
  };

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    if (req.method !== 'POST' || req.url !== TOKEN_PATH) return { status: 404, body: { error: 'not_found' } };
    const contentType = req.headers['content-type'] ?? '';
    const body = await readBody(req);
    if (!body) return oauthError(400, 'invalid_request', 'Unreadable request body');
    received.push({ contentType, body });
    if (body.client_id !== FAKE_OPENAI_CLIENT_ID) return oauthError(401, 'invalid_client', 'Unknown client');
    switch (body.grant_type) {
      case 'authorization_code':
        return exchange(body);
      case 'refresh_token':
        return refresh(body);
      default:
        return oauthError(400, 'unsupported_grant_type', 'Unsupported grant_type');
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handle(req).then(
      (reply) => {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      },
      () => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"server_error"}');
      },
    );
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  /** The query checks of the authorize step; returns the PKCE challenge, the state and the redirect URI. */
  const checkAuthorize = (authorizationUrl: string) => {
    const url = new URL(authorizationUrl);
    if (`${url.origin}${url.pathname}` !== `${origin}/oauth/authorize`) {
      throw new Error(`authorize: not this server's authorize URL: ${url.origin}${url.pathname}`);
    }
    const query = url.searchParams;
    const expect = (name: string, value: string) => {
      if (query.get(name) !== value)
        throw new Error(`authorize: ${name} is ${query.get(name)}, not ${value}`);
    };
    expect('response_type', 'code');
    expect('client_id', FAKE_OPENAI_CLIENT_ID);
    expect('redirect_uri', CODEX_REDIRECT_URI);
    expect('code_challenge_method', 'S256');
    expect('id_token_add_organizations', 'true');
    expect('codex_cli_simplified_flow', 'true');
    if (!query.get('originator')) throw new Error('authorize: originator is missing');
    const scopes = (query.get('scope') ?? '').split(' ');
    for (const scope of ['openid', 'offline_access']) {
      if (!scopes.includes(scope)) throw new Error(`authorize: scope lacks ${scope}`);
    }
    const challenge = query.get('code_challenge') ?? '';
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge))
      throw new Error('authorize: code_challenge is not S256 base64url');
    const stateParam = query.get('state') ?? '';
    if (stateParam === '') throw new Error('authorize: state is missing');
    return { challenge, stateParam, redirectUri: query.get('redirect_uri') ?? '' };
  };

  const fake: FakeOpenAIOAuth = {
    tokenUrl: `${origin}${TOKEN_PATH}`,
    settings(overrides = {}) {
      return {
        authorizeUrl: `${origin}/oauth/authorize`,
        tokenUrl: `${origin}${TOKEN_PATH}`,
        clientId: FAKE_OPENAI_CLIENT_ID,
        redirectUri: CODEX_REDIRECT_URI,
        scopes: 'openid profile email offline_access',
        refreshSkewMs: 300_000,
        ...overrides,
      };
    },
    env() {
      const settings = fake.settings();
      return {
        OPENAI_OAUTH_AUTHORIZE_URL: settings.authorizeUrl,
        OPENAI_OAUTH_TOKEN_URL: settings.tokenUrl,
        OPENAI_OAUTH_CLIENT_ID: settings.clientId,
        OPENAI_OAUTH_REDIRECT_URI: settings.redirectUri,
      };
    },
    authorize(authorizationUrl) {
      const { challenge, stateParam, redirectUri } = checkAuthorize(authorizationUrl);
      const code = `ac_${randomBytes(24).toString('base64url')}`;
      codes.set(code, { challenge, redirectUri });
      const callback = new URL(redirectUri);
      callback.searchParams.set('code', code);
      callback.searchParams.set('scope', 'openid profile email offline_access');
      callback.searchParams.set('state', stateParam);
      return callback.toString();
    },
    deny(authorizationUrl, error, description) {
      const { stateParam, redirectUri } = checkAuthorize(authorizationUrl);
      const callback = new URL(redirectUri);
      callback.searchParams.set('error', error);
      callback.searchParams.set('error_description', description);
      callback.searchParams.set('state', stateParam);
      return callback.toString();
    },
    issueTokens: issue,
    get chatgptAccountId() {
      return state.chatgptAccountId;
    },
    set chatgptAccountId(value: string | undefined) {
      state.chatgptAccountId = value;
    },
    get expiresIn() {
      return state.expiresIn;
    },
    set expiresIn(seconds: number) {
      state.expiresIn = seconds;
    },
    get sendExpiresIn() {
      return state.sendExpiresIn;
    },
    set sendExpiresIn(value: boolean) {
      state.sendExpiresIn = value;
    },
    get idTokenOnRefresh() {
      return state.idTokenOnRefresh;
    },
    set idTokenOnRefresh(value: boolean) {
      state.idTokenOnRefresh = value;
    },
    calls,
    received,
    get lastAccessToken() {
      return lastAccessToken;
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
