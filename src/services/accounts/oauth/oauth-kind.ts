// The contract of a kind whose tokens this relay refreshes (TokenKind: how a refresh is shaped, how answers become
// grants, which refusals mean the refresh token is dead) and of an OAuth kind users sign in to through the relay
// (OAuthKind: also what its authorize URL adds and how a code is redeemed). One value per kind, in oauth-kinds.ts.
import type { OAuthSettings, TokenSettings } from './oauth-settings.js';
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

/** A kind whose access tokens are refreshed at its token endpoint, whether or not users sign in through the relay. */
export interface TokenKind {
  /** Names the account's owner in messages, e.g. "Claude". */
  label: string;
  refreshRequest(refreshToken: string, settings: TokenSettings): TokenRequest;
  /** A success answer as a grant; throws an AppError naming unexpected fields. */
  readGrant(answer: unknown): TokenGrant;
  /** Whether a failed refresh says the refresh token is dead (the account must sign in again). */
  refreshRefused(refusal: TokenRefusal): boolean;
}

/** A kind users sign in to through the relay (authorization code with PKCE), besides refreshing its tokens. */
export interface OAuthKind extends TokenKind {
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
}
