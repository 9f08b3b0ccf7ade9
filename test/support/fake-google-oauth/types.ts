// The public types of the fake Google OAuth server: the signing-in account, issued tokens, the authorize step's
// answer, the refresh controls and the handle tests get from startFakeGoogleOAuth.

/** The Google account that signs in (its `sub` is the userinfo `id`). */
export interface GoogleAccountProfile {
  sub: string;
  email: string;
  name: string;
  givenName: string;
  familyName: string;
  picture: string;
}

export interface GoogleTokens {
  accessToken: string;
  refreshToken: string;
  idToken: string;
  expiresIn: number;
}

/** What the authorize step hands back. */
export interface GoogleApproval {
  /** The code: what codeassist.google.com/authcode shows the user to paste. */
  code: string;
  state: string;
  /** Where the browser is redirected: the redirect URI with `state`, `code` and `scope`. */
  redirectUrl: string;
}

/** How the next refresh fails: refused (`invalid_grant`, as for a revoked token) or a 500. */
export type GoogleRefreshFailure = 'invalid_grant' | 'server_error';

/** A token-endpoint call as received (secrets included: this is a test fake). */
export interface ReceivedGoogleTokenCall {
  contentType: string;
  authorization: string | undefined;
  body: Record<string, string>;
}

export interface GoogleRefreshGate {
  arrived: Promise<void>;
  release(): void;
}

/** Where the relay should send its Google OAuth calls, and which client it presents. */
export interface FakeGoogleOAuthSettings {
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  tokeninfoUrl: string;
  revokeUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string;
  refreshSkewMs: number;
}

export interface FakeGoogleOAuth {
  origin: string;
  authorizeUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  settings(overrides?: Partial<FakeGoogleOAuthSettings>): FakeGoogleOAuthSettings;
  /** Environment variables `<prefix>AUTHORIZE_URL`, `TOKEN_URL`, `USERINFO_URL`, `CLIENT_ID`, `CLIENT_SECRET`, `REDIRECT_URI`. */
  env(prefix?: string): Record<string, string>;
  /**
   * Plays the user consenting at `authorizationUrl`: checks the query as Google would for Gemini CLI's client
   * (throws when it is wrong) and returns the code, the state and the redirect.
   */
  approve(authorizationUrl: string): GoogleApproval;
  /** `approve(...).code`: what the user pastes in the manual flow. */
  authorize(authorizationUrl: string): string;
  /** The redirect of a refused consent (`error=access_denied` by default). */
  deny(authorizationUrl: string, error?: string): string;
  /** Tokens as if issued earlier by a sign-in of `account`, for accounts created without the flow. */
  issueTokens(): GoogleTokens;
  /** Revokes the grant of a refresh or access token (its refresh token and every access token from it). */
  revoke(token: string): boolean;
  /** Whether an access token was issued here, is not expired and its grant is not revoked. */
  isLiveAccessToken(token: string): boolean;
  /** The account that signs in from now on. */
  account: GoogleAccountProfile;
  /** Lifetime of access tokens issued from now on, in seconds (Google: 3599). */
  expiresIn: number;
  readonly calls: {
    authorize: number;
    exchange: number;
    refresh: number;
    userinfo: number;
    tokeninfo: number;
    revoke: number;
  };
  readonly received: ReceivedGoogleTokenCall[];
  readonly lastAccessToken: string | undefined;
  readonly lastRefreshToken: string | undefined;
  /** Refreshes wait at the gate until `release()`. */
  holdRefreshes(): GoogleRefreshGate;
  /** The next refresh fails this way (after passing the gate). */
  failNextRefresh(failure: GoogleRefreshFailure): void;
  close(): Promise<void>;
}

/** The fake's call counters, one per endpoint (and the exchange / refresh halves of the token endpoint). */
export type GoogleOAuthCalls = FakeGoogleOAuth['calls'];
