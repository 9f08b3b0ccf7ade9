// The token endpoint's success answer, validated, and how it becomes the secrets of a claude-oauth account.
import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import type { AccountSecrets } from '../account-types.js';

const token = z.string().min(1).max(8192);

/** Unknown fields are dropped: only these reach the account. */
export const tokenResponseSchema = z.object({
  access_token: token,
  /** Refresh answers may omit it, meaning the old refresh token stays valid. */
  refresh_token: token.optional(),
  expires_in: z.number().positive(),
  scope: z.string().max(2000).optional(),
  account: z
    .object({ uuid: z.string().max(200).optional(), email_address: z.string().max(320).optional() })
    .nullish(),
  organization: z
    .object({ uuid: z.string().max(200).optional(), name: z.string().max(200).optional() })
    .nullish(),
});

export interface TokenGrant {
  accessToken: string;
  refreshToken: string | undefined;
  expiresInSeconds: number;
  scopes: string[];
  accountEmail: string | undefined;
  organizationName: string | undefined;
}

export function toTokenGrant(response: z.output<typeof tokenResponseSchema>): TokenGrant {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresInSeconds: response.expires_in,
    scopes: response.scope?.split(' ').filter((scope) => scope !== '') ?? [],
    accountEmail: response.account?.email_address,
    organizationName: response.organization?.name,
  };
}

/**
 * The OAuth fields of an account's secrets after `grant`. `requestedAt` is when the request was sent, so the
 * lifetime is never overstated by the time the answer took.
 */
export function grantSecrets(
  grant: TokenGrant,
  requestedAt: number,
  previousRefreshToken?: string,
): Required<Pick<AccountSecrets, 'accessToken' | 'refreshToken' | 'expiresAt'>> {
  const refreshToken = grant.refreshToken ?? previousRefreshToken;
  if (refreshToken === undefined) {
    // Without one the account would stop working at the first expiry; better refused now, visibly.
    throw new AppError('upstream_error', 'The token endpoint issued no refresh token', { retryable: false });
  }
  return {
    accessToken: grant.accessToken,
    refreshToken,
    expiresAt: requestedAt + Math.floor(grant.expiresInSeconds * 1000),
  };
}
