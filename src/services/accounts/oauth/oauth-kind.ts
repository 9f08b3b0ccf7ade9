// The contract of an OAuth account kind: what its authorize URL adds, how its token requests are shaped, how its
// answers become grants and which refusals mean the refresh token is dead. One value per kind, in oauth-kinds.ts.
import type { OAuthSettings } from './oauth-settings.js';
import type { TokenGrant } from './token-grant.js';

/** A token-endpoint request body and how it is encoded on the wire. */
export interface TokenRequest {
  encoding: 'json' | 'form';
  body: Record<string, string>;
}

/** What the exchange of an authorization code sends besides the settings. */
export interface CodeRedemption {
  code: string;
  verifier: string;
  state: string;
}

/** A token endpoint's refusal as read from its answer. */
export interface TokenRefusal {
  status: number;
  /** The error code the body named (`invalid_grant`, `refresh_token_reused`…), if any. */
  oauthError: string | undefined;
}

export interface OAuthKind {
  /** Names the account's owner in messages, e.g. "Claude". */
  label: string;
  /** Name of an account created by signing in when neither the caller nor the answer offers one. */
  defaultAccountName: string;
  /** What the user gives back to the exchange after signing in, for instructions. */
  pasteBack: string;
  /**
   * Query parameters of the authorize URL beyond the standard PKCE set (response_type, client_id, redirect_uri,
   * scope, code_challenge, code_challenge_method, state), which every kind sends.
   */
  authorizeParams: Readonly<Record<string, string>>;
  exchangeRequest(redemption: CodeRedemption, settings: OAuthSettings): TokenRequest;
  refreshRequest(refreshToken: string, settings: OAuthSettings): TokenRequest;
  /** A success answer as a grant; throws an AppError naming unexpected fields. */
  readGrant(answer: unknown): TokenGrant;
  /** Whether a failed refresh says the refresh token is dead (the account must sign in again). */
  refreshRefused(refusal: TokenRefusal): boolean;
}
