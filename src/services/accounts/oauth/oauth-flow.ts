// The OAuth authorization-code flow with PKCE, for every OAuth account kind: start an authorization, then trade
// the code the user pastes back for tokens that are sealed into a new account of that kind, or into an existing
// one being re-authorised. What differs between kinds comes from OAUTH_KINDS and the kind's settings.
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import type { RedisContext } from '../../redis/record-store.js';
import { parseInput } from '../../validation.js';
import type { AccountService } from '../account-service.js';
import {
  type Account,
  type CreateAccountInput,
  createAccountInputSchema,
  isOAuthType,
  missingSecrets,
  OAUTH_ACCOUNT_TYPES,
  type OAuthAccountType,
  oauthAccountTypeSchema,
} from '../account-types.js';
import type { OAuthClients } from './oauth-client.js';
import { OAUTH_KINDS } from './oauth-kinds.js';
import { type OAuthSession, OAuthSessions, SESSION_TTL_MS, sessionIdSchema } from './oauth-session.js';
import { createPkce } from './pkce.js';
import { grantSecrets, type TokenGrant } from './token-grant.js';

export interface OAuthStart {
  sessionId: string;
  /** The kind of account the exchange creates (or re-authorises). */
  type: OAuthAccountType;
  /**
   * Where the user signs in. Claude's callback page then shows the code to paste (`code#state`); ChatGPT's
   * redirects the browser to the Codex CLI's localhost callback, whose full URL (or its code) is pasted back.
   */
  authorizationUrl: string;
  /** Ms since the epoch; the session is gone after this. */
  expiresAt: number;
}

export interface OAuthStartInput {
  /** Which kind to sign in to: claude-oauth (the default) or openai-oauth. */
  type?: OAuthAccountType;
  /** Name of the account the exchange creates. */
  name?: string;
  /** Re-authorise this existing OAuth account (of its own kind) instead of creating one. */
  accountId?: string;
}

/** Account settings for `exchange`: those of `accounts.create` except the kind and the tokens. */
export type OAuthAccountFields = Omit<CreateAccountInput, 'type' | 'credentials' | 'name'> & {
  name?: string;
  proxyPassword?: string;
};

export interface OAuthExchangeInput {
  sessionId: string;
  /** As pasted: `code#state`, the bare code, the whole callback URL, or its query (`code=…&state=…`). */
  code: string;
  account?: OAuthAccountFields;
}

export interface OAuthReauthorizeInput {
  accountId: string;
  sessionId: string;
  code: string;
}

const pastedCodeSchema = z.string().trim().min(1).max(4096);

export const oauthStartInputSchema = z
  .object({
    type: oauthAccountTypeSchema.optional(),
    name: z.string().trim().min(1).max(100).optional(),
    accountId: z.string().min(1).max(100).optional(),
  })
  .default({});

const accountFieldsSchema = createAccountInputSchema.omit({ type: true, credentials: true }).extend({
  name: z.string().trim().min(1).max(100).optional(),
  proxyPassword: z.string().max(1024).optional(),
});

export const oauthExchangeInputSchema = z.object({
  sessionId: sessionIdSchema,
  code: pastedCodeSchema,
  account: accountFieldsSchema,
});

export const oauthReauthorizeInputSchema = z.object({
  accountId: z.string().min(1).max(100),
  sessionId: sessionIdSchema,
  code: pastedCodeSchema,
});

export class OAuthFlow {
  private readonly sessions: OAuthSessions;

  constructor(
    context: RedisContext,
    private readonly accounts: AccountService,
    private readonly clients: OAuthClients,
    private readonly now: () => number = Date.now,
  ) {
    this.sessions = new OAuthSessions(context);
  }

  async start(input?: OAuthStartInput): Promise<OAuthStart> {
    const { type: asked, name, accountId } = parseInput(oauthStartInputSchema, input);
    // A re-authorisation signs in to the account's own kind.
    const type = accountId === undefined ? (asked ?? 'claude-oauth') : await this.kindOf(accountId, asked);
    const settings = this.clients.settings[type];
    const pkce = createPkce();
    const expiresAt = this.now() + SESSION_TTL_MS;
    const session: OAuthSession = {
      type,
      verifier: pkce.verifier,
      state: pkce.state,
      expiresAt,
      name,
      accountId,
    };
    const sessionId = await this.sessions.create(session, SESSION_TTL_MS);
    const url = new URL(settings.authorizeUrl);
    const query: Record<string, string> = {
      ...OAUTH_KINDS[type].authorizeParams,
      client_id: settings.clientId,
      response_type: 'code',
      redirect_uri: settings.redirectUri,
      scope: settings.scopes,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state: pkce.state,
    };
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return { sessionId, type, authorizationUrl: url.toString(), expiresAt };
  }

  /** Creates an account of the session's kind from the pasted code. The session is used up, whatever the outcome. */
  async exchange(input: OAuthExchangeInput): Promise<Account> {
    // Validated before the session is taken, so a typo in the settings does not cost the user a sign-in.
    const { sessionId, code, account } = parseInput(oauthExchangeInputSchema, {
      ...input,
      account: input.account ?? {},
    });
    const { name, proxyPassword, ...fields } = account;
    const session = await this.sessions.take(sessionId);
    if (session.accountId !== undefined) {
      throw new AppError(
        'invalid_request',
        `This authorization session re-authorises account ${session.accountId}; it cannot create an account`,
        { details: { field: 'sessionId' } },
      );
    }
    const requestedAt = this.now();
    const grant = await this.redeem(session, code);
    const secrets = signedInSecrets(session.type, grant, requestedAt);
    return this.accounts.create({
      ...fields,
      type: session.type,
      name:
        name ??
        session.name ??
        grant.accountEmail ??
        grant.organizationName ??
        OAUTH_KINDS[session.type].defaultAccountName,
      credentials: { ...secrets, ...(proxyPassword === undefined ? {} : { proxyPassword }) },
    });
  }

  /** Replaces the tokens of the account the session was started for (after a revoked refresh token, say). */
  async reauthorize(input: OAuthReauthorizeInput): Promise<Account> {
    const { accountId, sessionId, code } = parseInput(oauthReauthorizeInputSchema, input);
    const session = await this.sessions.take(sessionId);
    if (session.accountId !== accountId) {
      throw new AppError(
        'invalid_request',
        `This authorization session was not started for account ${accountId}`,
        {
          details: { field: 'sessionId' },
        },
      );
    }
    const requestedAt = this.now();
    const grant = await this.redeem(session, code);
    const secrets = signedInSecrets(session.type, grant, requestedAt);
    await this.accounts.replaceSecrets(accountId, (current) => ({ ...current, ...secrets }));
    return this.accounts.require(accountId);
  }

  private async redeem(session: OAuthSession, pasted: string): Promise<TokenGrant> {
    const { code, state } = splitPastedCode(pasted);
    if (state !== undefined && !sameText(state, session.state)) {
      throw new AppError(
        'invalid_request',
        'The pasted code belongs to a different authorization attempt (state mismatch); start a new authorization',
        { details: { field: 'code', reason: 'oauth_state_mismatch' } },
      );
    }
    if (this.now() > session.expiresAt) {
      throw new AppError(
        'invalid_request',
        'The authorization session has expired; start a new authorization',
        {
          details: { field: 'sessionId', reason: 'oauth_session_unknown' },
        },
      );
    }
    return this.clients
      .signIn(session.type)
      .exchangeCode({ code, verifier: session.verifier, state: session.state });
  }

  /** The OAuth kind of an account being re-authorised; `asked`, when given, must be that kind. */
  private async kindOf(accountId: string, asked: OAuthAccountType | undefined): Promise<OAuthAccountType> {
    const account = await this.accounts.require(accountId);
    const { type } = account;
    if (!isOAuthType(type) || (asked !== undefined && asked !== type)) {
      throw new AppError(
        'invalid_request',
        `Account ${accountId} is a ${type} account, not ${asked ?? OAUTH_ACCOUNT_TYPES.join(' or ')}`,
        {
          details: { field: 'accountId' },
        },
      );
    }
    return type;
  }
}

/** The secrets a sign-in grants, refused when the answer lacks one the kind cannot work without. */
function signedInSecrets(
  type: OAuthAccountType,
  grant: TokenGrant,
  requestedAt: number,
): ReturnType<typeof grantSecrets> {
  const secrets = grantSecrets(grant, requestedAt);
  const missing = missingSecrets(type, secrets);
  if (missing.length > 0) {
    throw new AppError(
      'upstream_error',
      `The ${OAUTH_KINDS[type].label} sign-in answer lacks ${missing.join(', ')}; the account cannot be used`,
      { details: { missing }, retryable: false },
    );
  }
  return secrets;
}

/**
 * What users paste back: Anthropic's callback page shows `code#state`; a redirect to a callback nobody serves
 * (ChatGPT's, to localhost:1455) leaves the whole URL in the address bar; some paste only its query
 * (`code=…&state=…`) or the bare code. The state, when present, must be checked against the session's.
 */
export function splitPastedCode(pasted: string): { code: string; state: string | undefined } {
  const text = pasted.trim();
  if (/^https?:\/\//i.test(text)) {
    const url = URL.canParse(text) ? new URL(text) : undefined;
    return fromQuery(url?.searchParams ?? new URLSearchParams(), 'the pasted URL');
  }
  if (/^\??(code|state|error)=/.test(text)) {
    return fromQuery(new URLSearchParams(text.replace(/^\?/, '')), 'the pasted query');
  }
  const hash = text.indexOf('#');
  if (hash === -1) return { code: text, state: undefined };
  const code = text.slice(0, hash);
  const state = text.slice(hash + 1);
  if (code === '' || state === '' || state.includes('#')) {
    throw new AppError('invalid_request', 'code: expected the code as shown, in the form code#state', {
      details: { field: 'code' },
    });
  }
  return { code, state };
}

function fromQuery(query: URLSearchParams, what: string): { code: string; state: string | undefined } {
  const error = query.get('error');
  if (error) {
    // The sign-in itself failed (denied, or no entitlement): the callback says so instead of carrying a code.
    const description = query.get('error_description')?.slice(0, 200);
    throw new AppError(
      'invalid_request',
      `code: the sign-in failed (${error}${description ? `: ${description}` : ''}); start a new authorization`,
      { details: { field: 'code', oauthError: error } },
    );
  }
  const code = query.get('code');
  if (!code) {
    throw new AppError('invalid_request', `code: ${what} carries no code`, { details: { field: 'code' } });
  }
  return { code, state: query.get('state') ?? undefined };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
