// HTTP calls to Claude's OAuth token endpoint (code exchange, refresh), their failures mapped to AppErrors.
// Token values never appear in an error or a log line: only the endpoint's error code and description do.
import { type Dispatcher, request } from 'undici';
import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import { type TokenGrant, tokenResponseSchema, toTokenGrant } from './token-grant.js';

/** A token answer is a few hundred bytes; anything far larger is not one and is not read whole. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_DESCRIPTION_LENGTH = 200;

export interface OAuthClientOptions {
  tokenUrl: string;
  clientId: string;
  redirectUri: string;
  /** Whole call, connect to last byte. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/** RFC 6749 errors (`{error, error_description}`) and Anthropic API errors (`{error: {type, message}}`). */
const errorBodySchema = z.object({
  error: z
    .union([z.string(), z.object({ type: z.string().optional(), message: z.string().optional() })])
    .optional(),
  error_description: z.string().optional(),
});

type Purpose = 'exchange' | 'refresh';

export class OAuthClient {
  private readonly timeoutMs: number;

  constructor(private readonly options: OAuthClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Redeems an authorization code. `state` is sent too: Claude's endpoint checks it against the code. */
  exchangeCode(input: { code: string; verifier: string; state: string }): Promise<TokenGrant> {
    return this.post('exchange', {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: this.options.redirectUri,
      client_id: this.options.clientId,
      code_verifier: input.verifier,
      state: input.state,
    });
  }

  /**
   * Trades a refresh token for new tokens; the answer usually carries a new refresh token (rotation).
   * `dispatcher` routes the call like the account's own traffic (its proxy), where it has one.
   */
  refresh(refreshToken: string, dispatcher?: Dispatcher): Promise<TokenGrant> {
    return this.post(
      'refresh',
      { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.options.clientId },
      dispatcher,
    );
  }

  private async post(
    purpose: Purpose,
    body: Record<string, string>,
    dispatcher: Dispatcher | undefined = this.options.dispatcher,
  ): Promise<TokenGrant> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let status: number;
    let text: string | undefined;
    try {
      const response = await request(this.options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
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
    if (status >= 200 && status < 300) return parseGrant(text);
    throw errorFor(purpose, status, text);
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

function parseGrant(text: string | undefined): TokenGrant {
  const parsed = tokenResponseSchema.safeParse(parseJson(text));
  if (!parsed.success) {
    // The issue paths name fields, never values: safe to pass on.
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(body)');
    throw new AppError('upstream_error', 'The OAuth token endpoint answered with an unexpected body', {
      details: { fields },
    });
  }
  return toTokenGrant(parsed.data);
}

function errorFor(purpose: Purpose, status: number, text: string | undefined): AppError {
  const parsed = errorBodySchema.safeParse(parseJson(text));
  const body = parsed.success ? parsed.data : {};
  const oauthError = typeof body.error === 'string' ? body.error : body.error?.type;
  const rawDescription =
    body.error_description ?? (typeof body.error === 'object' ? body.error.message : undefined);
  const description = rawDescription?.slice(0, MAX_DESCRIPTION_LENGTH);
  const details = { upstreamStatus: status, ...(oauthError ? { oauthError } : {}) };
  const said = [oauthError, description].filter((part) => part !== undefined).join(': ') || `HTTP ${status}`;

  if (oauthError === 'invalid_grant') {
    return purpose === 'exchange'
      ? new AppError(
          'invalid_request',
          'The authorization code was rejected (invalid_grant): it is wrong, expired, already used, or was ' +
            'issued for another authorization attempt. Start a new authorization.',
          { details: { ...details, field: 'code' } },
        )
      : new AppError(
          'upstream_auth_failed',
          'The refresh token was rejected (invalid_grant): the account must be authorised again',
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
