// What a token endpoint's success answer grants, whatever the OAuth kind, and how it becomes account secrets.
import type { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import type { AccountSecrets } from '../account-types.js';

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
