// What a token endpoint's success answer grants, whatever the OAuth kind, and how it becomes account secrets.
import type { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import type { AccountSecrets } from '../account-types.js';
import { jwtClaims } from './jwt-claims.js';

/** Secrets that say which upstream account the tokens act for, beside the tokens themselves. */
export type IdentitySecrets = Pick<AccountSecrets, 'chatgptAccountId'>;

export interface TokenGrant {
  accessToken: string;
  /** Refresh answers may omit it, meaning the old refresh token stays valid. */
  refreshToken: string | undefined;
  /** When the access token expires: seconds after the request (`expires_in`), or a fixed time (a JWT `exp`). */
  expiry: { afterSeconds: number } | { atMs: number };
  scopes: string[];
  /** Who signed in, for naming a new account. */
  accountEmail: string | undefined;
  organizationName: string | undefined;
  /** Only the identity fields this answer carried: an absent one leaves the stored value as it was. */
  identity: IdentitySecrets;
}

/**
 * Validates a success answer against a kind's schema. Unknown fields are dropped; the error names fields, never
 * values, so it is safe to pass on.
 */
export function parseTokenAnswer<S extends z.ZodType>(schema: S, answer: unknown): z.output<S> {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(body)');
  throw new AppError('upstream_error', 'The OAuth token endpoint answered with an unexpected body', {
    details: { fields },
  });
}

export function scopesOf(scope: string | undefined): string[] {
  return scope?.split(' ').filter((item) => item !== '') ?? [];
}

/**
 * The OAuth fields of an account's secrets after `grant`. `requestedAt` is when the request was sent, so the
 * lifetime is never overstated by the time the answer took.
 */
export function grantSecrets(
  grant: TokenGrant,
  requestedAt: number,
  previousRefreshToken?: string,
): Required<Pick<AccountSecrets, 'accessToken' | 'refreshToken' | 'expiresAt'>> & IdentitySecrets {
  const refreshToken = grant.refreshToken ?? previousRefreshToken;
  if (refreshToken === undefined) {
    // Without one the account would stop working at the first expiry; better refused now, visibly.
    throw new AppError('upstream_error', 'The token endpoint issued no refresh token', { retryable: false });
  }
  const expiresAt =
    'afterSeconds' in grant.expiry
      ? requestedAt + Math.floor(grant.expiry.afterSeconds * 1000)
      : grant.expiry.atMs;
  return { accessToken: grant.accessToken, refreshToken, expiresAt, ...grant.identity };
}

/**
 * A grant's lifetime: `expires_in` when the answer has it, else the access token's own `exp` (ChatGPT's and
 * WorkOS's access tokens are JWTs; WorkOS answers without `expires_in`). `issuer` names the endpoint for the error.
 */
export function expiryOf(
  expiresIn: number | undefined,
  accessToken: string,
  issuer: string,
): TokenGrant['expiry'] {
  if (expiresIn !== undefined) return { afterSeconds: expiresIn };
  const exp = jwtClaims(accessToken)?.exp;
  if (typeof exp === 'number' && Number.isFinite(exp) && exp > 0) return { atMs: Math.floor(exp * 1000) };
  throw new AppError(
    'upstream_error',
    `${issuer} gave the access token no lifetime (no expires_in, no exp claim)`,
    { details: { fields: ['expires_in', 'access_token'] } },
  );
}
