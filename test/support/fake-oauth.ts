// A fake of Claude's OAuth token endpoint on 127.0.0.1: PKCE-checked single-use codes, rotating refresh tokens,
// a refresh gate the test opens, failure injection, and counters of what reached it.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OAuthSettings } from '../../src/services/accounts/oauth/oauth-settings.js';

export const FAKE_CLIENT_ID = 'fake-client-0000';
const TOKEN_PATH = '/v1/oauth/token';
const REDIRECT_URI = 'https://console.example.test/oauth/code/callback';
const MAX_BODY_BYTES = 64 * 1024;

export type RefreshFailure = 'invalid_grant' | 'server_error';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/** Refreshes held at the gate until `release`; `arrived` resolves when the first one reaches it. */
export interface RefreshGate {
  arrived: Promise<void>;
  release(): void;
}

interface PendingCode {
  challenge: string;
  state: string;
  redirectUri: string;
}

interface Gate {
  opened: Promise<void>;
  open: () => void;
  arrive: () => void;
}

export interface FakeOAuth {
  tokenUrl: string;
  /** OAuth settings for the relay, pointing at this server. */
  settings(overrides?: Partial<OAuthSettings>): OAuthSettings;
  /** The relay's environment variables pointing at this server. */
  env(): Record<string, string>;
  /**
   * Plays the user signing in at `authorizationUrl`: checks the query as Anthropic would and returns what its
   * callback page shows, `code#state`.
   */
  authorize(authorizationUrl: string): string;
  /** A token pair as if issued earlier, for accounts created without the flow. */
  issueTokens(): TokenPair;
  /** Lifetime of tokens issued from now on, in seconds. */
  expiresIn: number;
  /** Token-endpoint calls by grant type, counted on arrival. */
  readonly calls: { exchange: number; refresh: number };
  /** JSON bodies received, in order (token values included: this is a test fake). */
  readonly bodies: Record<string, unknown>[];
  /** The access token most recently issued. */
  readonly lastAccessToken: string | undefined;
  holdRefreshes(): RefreshGate;
  /** The next refresh fails this way (after passing the gate). */
  failNextRefresh(failure: RefreshFailure): void;
  close(): Promise<void>;
}

function randomToken(kind: string): string {
  return `sk-ant-${kind}-fake-${randomBytes(24).toString('base64url')}`;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

interface Reply {
  status: number;
  body: unknown;
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(reply.body));
}

function oauthError(status: number, error: string, description: string): Reply {
  return { status, body: { error, error_description: description } };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function text(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' ? value : undefined;
}

export async function startFakeOAuth(options: { expiresIn?: number } = {}): Promise<FakeOAuth> {
  const codes = new Map<string, PendingCode>();
  const liveRefreshTokens = new Set<string>();
  const calls = { exchange: 0, refresh: 0 };
  const bodies: Record<string, unknown>[] = [];
  const failures: RefreshFailure[] = [];
  let gate: Gate | undefined;
  let lastAccessToken: string | undefined;
  const sockets = new Set<Socket>();

  const state = { expiresIn: options.expiresIn ?? 28_800 };

  const issue = (): TokenPair => {
    const pair = { accessToken: randomToken('oat01'), refreshToken: randomToken('ort01') };
    liveRefreshTokens.add(pair.refreshToken);
    lastAccessToken = pair.accessToken;
    return pair;
  };

  const grantBody = (pair: TokenPair) => ({
    token_type: 'Bearer',
    access_token: pair.accessToken,
    refresh_token: pair.refreshToken,
    expires_in: state.expiresIn,
    scope: 'user:inference user:profile',
    organization: { uuid: 'org-fake', name: 'Fake Org' },
    account: { uuid: 'acct-fake', email_address: 'user@example.test' },
  });

  const exchange = (body: Record<string, unknown>): Reply => {
    calls.exchange += 1;
    const code = text(body, 'code') ?? '';
    const pending = codes.get(code);
    // Single-use: any attempt consumes the code, as a real authorization server must.
    codes.delete(code);
    if (!pending) return oauthError(400, 'invalid_grant', 'Invalid code');
    if (text(body, 'redirect_uri') !== pending.redirectUri) {
      return oauthError(400, 'invalid_grant', 'redirect_uri does not match');
    }
    if (text(body, 'state') !== pending.state) return oauthError(400, 'invalid_grant', 'Invalid state');
    const verifier = text(body, 'code_verifier') ?? '';
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || s256(verifier) !== pending.challenge) {
      return oauthError(400, 'invalid_grant', 'Invalid code_verifier');
    }
    return { status: 200, body: grantBody(issue()) };
  };

  const refresh = async (body: Record<string, unknown>): Promise<Reply> => {
    calls.refresh += 1;
    const held = gate;
    if (held) {
      held.arrive();
      await held.opened;
    }
    const failure = failures.shift();
    if (failure === 'server_error') return { status: 500, body: { error: 'server_error' } };
    const refreshToken = text(body, 'refresh_token') ?? '';
    // Rotation: a refresh token works once; the old one is dead as soon as a new one is issued.
    if (failure === 'invalid_grant' || !liveRefreshTokens.delete(refreshToken)) {
      return oauthError(400, 'invalid_grant', 'Refresh token not found or invalid');
    }
    return { status: 200, body: grantBody(issue()) };
  };

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    if (req.method !== 'POST' || req.url !== TOKEN_PATH) return { status: 404, body: { error: 'not_found' } };
    if (!req.headers['content-type']?.startsWith('application/json')) {
      return oauthError(400, 'invalid_request', 'Expected a JSON body');
    }
    const body = await readJson(req);
    if (!body) return oauthError(400, 'invalid_request', 'Malformed JSON body');
    bodies.push(body);
    if (text(body, 'client_id') !== FAKE_CLIENT_ID)
      return oauthError(401, 'invalid_client', 'Unknown client');
    switch (text(body, 'grant_type')) {
      case 'authorization_code':
        return exchange(body);
      case 'refresh_token':
        return refresh(body);
      default:
        return oauthError(400, 'unsupported_grant_type', 'Unsupported grant_type');
    }
  };

  const server = createServer((req, res) => {
    handle(req).then(
      (reply) => send(res, reply),
      () => send(res, { status: 500, body: { error: 'server_error' } }),
    );
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const fake: FakeOAuth = {
    tokenUrl: `${origin}${TOKEN_PATH}`,
    settings(overrides = {}) {
      return {
        authorizeUrl: `${origin}/oauth/authorize`,
        tokenUrl: `${origin}${TOKEN_PATH}`,
        clientId: FAKE_CLIENT_ID,
        redirectUri: REDIRECT_URI,
        scopes: 'org:create_api_key user:profile user:inference',
        refreshSkewMs: 300_000,
        ...overrides,
      };
    },
    env() {
      const settings = fake.settings();
      return {
        CLAUDE_OAUTH_AUTHORIZE_URL: settings.authorizeUrl,
        CLAUDE_OAUTH_TOKEN_URL: settings.tokenUrl,
        CLAUDE_OAUTH_CLIENT_ID: settings.clientId,
        CLAUDE_OAUTH_REDIRECT_URI: settings.redirectUri,
      };
    },
    authorize(authorizationUrl) {
      const url = new URL(authorizationUrl);
      const query = url.searchParams;
      const expect = (name: string, value: string) => {
        if (query.get(name) !== value)
          throw new Error(`authorize: ${name} is ${query.get(name)}, not ${value}`);
      };
      expect('code', 'true');
      expect('client_id', FAKE_CLIENT_ID);
      expect('response_type', 'code');
      expect('code_challenge_method', 'S256');
      const challenge = query.get('code_challenge') ?? '';
      const stateParam = query.get('state') ?? '';
      const redirectUri = query.get('redirect_uri') ?? '';
      if (!/^[A-Za-z0-9_-]{43}$/.test(challenge))
        throw new Error('authorize: code_challenge is not S256 base64url');
      if (stateParam === '') throw new Error('authorize: state is missing');
      if (!query.get('scope')) throw new Error('authorize: scope is missing');
      const code = randomBytes(24).toString('base64url');
      codes.set(code, { challenge, state: stateParam, redirectUri });
      return `${code}#${stateParam}`;
    },
    issueTokens: issue,
    get expiresIn() {
      return state.expiresIn;
    },
    set expiresIn(seconds: number) {
      state.expiresIn = seconds;
    },
    calls,
    bodies,
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
