// HTTP calls to an OAuth kind's token endpoint (code exchange, refresh), their failures mapped to AppErrors.
// Token values never appear in an error or a log line: only the endpoint's error code and description do.
import { type Dispatcher, request } from 'undici';
import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import type { OAuthAccountType, TokenAccountType } from '../account-types.js';
import type { CodeRedemption, OAuthKind, TokenKind, TokenRequest } from './oauth-kind.js';
import { OAUTH_KINDS, TOKEN_KINDS } from './oauth-kinds.js';
import type { OAuthSettings, OAuthSettingsByKind, TokenSettings } from './oauth-settings.js';
import type { TokenGrant } from './token-grant.js';

/** A token answer is a few hundred bytes; anything far larger is not one and is not read whole. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_DESCRIPTION_LENGTH = 200;

export interface OAuthClientOptions {
  /** Whole call, connect to last byte. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/**
 * RFC 6749 errors (`{error, error_description}`), Anthropic API errors (`{error: {type, message}}`) and OpenAI
 * errors (`{error: {code, message}}`).
 */
const errorBodySchema = z.object({
  error: z
    .union([
      z.string(),
      z.object({
        code: z.string().nullish(),
        type: z.string().nullish(),
        message: z.string().nullish(),
      }),
    ])
    .optional(),
  error_description: z.string().optional(),
});

type Purpose = 'exchange' | 'refresh';

export class OAuthClient {
  private readonly timeoutMs: number;

  constructor(
    private readonly kind: TokenKind,
    private readonly settings: TokenSettings,
    private readonly options: OAuthClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Trades a refresh token for new tokens; the answer usually carries a new refresh token (rotation).
   * `dispatcher` routes the call like the account's own traffic (its proxy), where it has one.
   */
  refresh(refreshToken: string, dispatcher?: Dispatcher): Promise<TokenGrant> {
    return this.post('refresh', this.kind.refreshRequest(refreshToken, this.settings), dispatcher);
  }

  protected async post(
    purpose: Purpose,
    tokenRequest: TokenRequest,
    dispatcher: Dispatcher | undefined = this.options.dispatcher,
  ): Promise<TokenGrant> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let status: number;
    let text: string | undefined;
    try {
      const response = await request(this.settings.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type':
            tokenRequest.encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body:
          tokenRequest.encoding === 'json'
            ? JSON.stringify(tokenRequest.body)
            : new URLSearchParams(tokenRequest.body).toString(),
        signal,
        dispatcher,
      });
      status = response.statusCode;
      text = await readLimited(response.body, MAX_RESPONSE_BYTES);
    } catch (error) {
      if (signal.aborted) {
        throw new AppError(
          'upstream_timeout',
          `The OAuth token endpoint did not answer within ${this.timeoutMs} ms`,
          {
            cause: error,
          },
        );
      }
      throw new AppError('upstream_error', 'Could not reach the OAuth token endpoint', { cause: error });
    }
    if (status >= 200 && status < 300) return this.kind.readGrant(parseJson(text));
    throw this.errorFor(purpose, status, text);
  }

  private errorFor(purpose: Purpose, status: number, text: string | undefined): AppError {
    const parsed = errorBodySchema.safeParse(parseJson(text));
    const body = parsed.success ? parsed.data : {};
    const oauthError =
      (typeof body.error === 'string' ? body.error : (body.error?.code ?? body.error?.type)) ?? undefined;
    const rawDescription =
      body.error_description ??
      (typeof body.error === 'object' ? body.error.message : undefined) ??
      undefined;
    const description = rawDescription?.slice(0, MAX_DESCRIPTION_LENGTH);
    const details = { upstreamStatus: status, ...(oauthError ? { oauthError } : {}) };
    const said =
      [oauthError, description].filter((part) => part !== undefined).join(': ') || `HTTP ${status}`;

    if (purpose === 'exchange' && oauthError === 'invalid_grant') {
      return new AppError(
        'invalid_request',
        'The authorization code was rejected (invalid_grant): it is wrong, expired, already used, or was ' +
          'issued for another authorization attempt. Start a new authorization.',
        { details: { ...details, field: 'code' } },
      );
    }
    if (purpose === 'refresh' && this.kind.refreshRefused({ status, oauthError })) {
      return new AppError(
        'upstream_auth_failed',
        `The refresh token was rejected (${oauthError ?? `HTTP ${status}`}): the account must be authorised again`,
        { details, retryable: true },
      );
    }
    if (status === 429 || status >= 500) {
      return new AppError('upstream_error', `The OAuth token endpoint failed (${status}; ${said})`, {
        details,
        retryable: true,
      });
    }
    // Other refusals (invalid_client, invalid_request…) mean this relay's OAuth settings are wrong: retrying
    // the same request cannot help.
    return new AppError(
      'upstream_error',
      `The OAuth token endpoint refused the ${purpose} (${status}; ${said})`,
      {
        details,
        retryable: false,
      },
    );
  }
}

/** The token client of a kind users sign in to through the relay: it also redeems authorization codes. */
export class SignInClient extends OAuthClient {
  constructor(
    private readonly signInKind: OAuthKind,
    private readonly signInSettings: OAuthSettings,
    options: OAuthClientOptions = {},
  ) {
    super(signInKind, signInSettings, options);
  }

  /** Redeems an authorization code, shaped as the kind's endpoint takes it. */
  exchangeCode(input: CodeRedemption): Promise<TokenGrant> {
    return this.post('exchange', this.signInKind.exchangeRequest(input, this.signInSettings));
  }
}

/** One token client per kind, over that kind's settings; created on first use. */
export class OAuthClients {
  private readonly clients = new Map<TokenAccountType, OAuthClient>();
  private readonly signInClients = new Map<OAuthAccountType, SignInClient>();

  constructor(
    readonly settings: OAuthSettingsByKind,
    private readonly options: OAuthClientOptions = {},
  ) {}

  /** The client that refreshes a kind's tokens. */
  for(type: TokenAccountType): OAuthClient {
    let client = this.clients.get(type);
    if (!client) {
      client = new OAuthClient(TOKEN_KINDS[type], this.settings[type], this.options);
      this.clients.set(type, client);
    }
    return client;
  }

  /** The client that redeems a sign-in's code, for the kinds users sign in to through the relay. */
  signIn(type: OAuthAccountType): SignInClient {
    let client = this.signInClients.get(type);
    if (!client) {
      client = new SignInClient(OAUTH_KINDS[type], this.settings[type], this.options);
      this.signInClients.set(type, client);
    }
    return client;
  }
}

async function readLimited(body: AsyncIterable<Buffer>, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early destroys the stream, so an oversized body is not downloaded.
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
