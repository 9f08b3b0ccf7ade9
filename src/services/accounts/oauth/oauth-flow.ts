// Claude's OAuth authorization-code flow with PKCE: start an authorization, then trade the code the user pastes
// for tokens that are sealed into a new claude-oauth account, or into an existing one being re-authorised.
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import type { RedisContext } from '../../redis/record-store.js';
import { parseInput } from '../../validation.js';
import type { AccountService } from '../account-service.js';
import { type Account, type CreateAccountInput, createAccountInputSchema } from '../account-types.js';
import type { OAuthClient } from './oauth-client.js';
import { type OAuthSession, OAuthSessions, SESSION_TTL_MS, sessionIdSchema } from './oauth-session.js';
import type { OAuthSettings } from './oauth-settings.js';
import { createPkce } from './pkce.js';
import { grantSecrets, type TokenGrant } from './token-grant.js';

export interface OAuthStart {
  sessionId: string;
  /** Where the user signs in; Anthropic's callback page then shows the code to paste (`code#state`). */
  authorizationUrl: string;
  /** Ms since the epoch; the session is gone after this. */
  expiresAt: number;
}

export interface OAuthStartInput {
  /** Name of the account the exchange creates. */
  name?: string;
  /** Re-authorise this existing claude-oauth account instead of creating one. */
  accountId?: string;
}

/** Account settings for `exchange`: those of `accounts.create` except the kind and the tokens. */
export type OAuthAccountFields = Omit<CreateAccountInput, 'type' | 'credentials' | 'name'> & {
  name?: string;
  proxyPassword?: string;
};

export interface OAuthExchangeInput {
  sessionId: string;
  /** As pasted: `code#state`, the bare code, or the whole callback URL. */
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

export class ClaudeOAuthFlow {
  private readonly sessions: OAuthSessions;

  constructor(
    context: RedisContext,
    private readonly accounts: AccountService,
    private readonly client: OAuthClient,
    private readonly settings: OAuthSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.sessions = new OAuthSessions(context);
  }

  async start(input?: OAuthStartInput): Promise<OAuthStart> {
    const { name, accountId } = parseInput(oauthStartInputSchema, input);
    if (accountId !== undefined) await this.requireOAuthAccount(accountId);
    const pkce = createPkce();
    const expiresAt = this.now() + SESSION_TTL_MS;
    const session: OAuthSession = { verifier: pkce.verifier, state: pkce.state, expiresAt, name, accountId };
    const sessionId = await this.sessions.create(session, SESSION_TTL_MS);
    const url = new URL(this.settings.authorizeUrl);
    const query: Record<string, string> = {
      // Asks Anthropic's callback page to show the code for pasting rather than redirect to a local server.
      code: 'true',
      client_id: this.settings.clientId,
      response_type: 'code',
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state: pkce.state,
    };
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return { sessionId, authorizationUrl: url.toString(), expiresAt };
  }

  /** Creates a claude-oauth account from the pasted code. The session is used up, whatever the outcome. */
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
    return this.accounts.create({
      ...fields,
      type: 'claude-oauth',
      name: name ?? session.name ?? grant.accountEmail ?? grant.organizationName ?? 'Claude OAuth account',
      // The relay sends OAuth tokens as bearer whatever this says; saying so keeps the record truthful.
      authHeader: fields.authHeader ?? 'bearer',
      credentials: {
        ...grantSecrets(grant, requestedAt),
        ...(proxyPassword === undefined ? {} : { proxyPassword }),
      },
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
    await this.accounts.replaceSecrets(accountId, (current) => ({
      ...current,
      ...grantSecrets(grant, requestedAt),
    }));
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
    return this.client.exchangeCode({ code, verifier: session.verifier, state: session.state });
  }

  private async requireOAuthAccount(accountId: string): Promise<void> {
    const account = await this.accounts.require(accountId);
    if (account.type !== 'claude-oauth') {
      throw new AppError(
        'invalid_request',
        `Account ${accountId} is a ${account.type} account, not claude-oauth`,
        {
          details: { field: 'accountId' },
        },
      );
    }
  }
}

/**
 * Anthropic's callback page shows `code#state`; users also paste the bare code or the whole callback URL. The
 * state, when present, must be checked against the session's.
 */
export function splitPastedCode(pasted: string): { code: string; state: string | undefined } {
  const text = pasted.trim();
  if (/^https?:\/\//i.test(text)) {
    const url = URL.canParse(text) ? new URL(text) : undefined;
    const code = url?.searchParams.get('code');
    if (!code) {
      throw new AppError('invalid_request', 'code: the pasted URL carries no code', {
        details: { field: 'code' },
      });
    }
    return { code, state: url?.searchParams.get('state') ?? undefined };
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

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
