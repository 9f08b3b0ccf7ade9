// The fake Google OAuth server's store: pending authorization codes, grants (one per consent, keyed by refresh
// token) and the access tokens issued from them, plus Google's token answer and ID token for a grant.
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_GOOGLE_ACCOUNT, EMAIL_SCOPES, FAKE_GOOGLE_CLIENT_ID, PROFILE_SCOPES } from './constants.js';
import type { Reply } from './http.js';
import type { GoogleAccountProfile } from './types.js';

export interface Grant {
  profile: GoogleAccountProfile;
  scopes: string[];
  refreshToken: string | undefined;
  revoked: boolean;
}

export interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

export interface PendingCode {
  challenge: string | undefined;
  redirectUri: string;
  scopes: string[];
  offline: boolean;
  profile: GoogleAccountProfile;
  expiresAt: number;
}

/** A compact JWT with a fake signature: the relay reads claims from tokens it got over TLS, never verifies. */
function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = { alg: 'RS256', kid: 'fake-google-key', typ: 'JWT' };
  return `${part(header)}.${part(claims)}.${randomBytes(32).toString('base64url')}`;
}

export function hasIdentityScope(scopes: readonly string[]): boolean {
  return scopes.some((scope) => scope === 'openid' || EMAIL_SCOPES.has(scope) || PROFILE_SCOPES.has(scope));
}

/** The scopes Google reports as granted: the asked ones, plus `openid` once an identity scope is there. */
export function grantedScopes(asked: readonly string[]): string[] {
  const granted = [...new Set(asked)];
  if (hasIdentityScope(granted) && !granted.includes('openid')) granted.push('openid');
  return granted;
}

export class GoogleGrants {
  private readonly codes = new Map<string, PendingCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessToken>();
  lastAccessToken: string | undefined;
  lastRefreshToken: string | undefined;
  /** Lifetime of access tokens issued from now on, in seconds. */
  expiresIn: number;
  /** The account that signs in from now on. */
  account: GoogleAccountProfile;

  constructor(options: { expiresIn?: number; account?: GoogleAccountProfile }) {
    this.expiresIn = options.expiresIn ?? 3599;
    this.account = options.account ?? DEFAULT_GOOGLE_ACCOUNT;
  }

  addCode(code: string, pending: PendingCode): void {
    this.codes.set(code, pending);
  }

  /** The code's binding, removed: a code is single use, whatever happens next. */
  takeCode(code: string): PendingCode | undefined {
    const pending = this.codes.get(code);
    this.codes.delete(code);
    return pending;
  }

  idToken(grant: Grant, accessToken: string): string {
    const now = Math.floor(Date.now() / 1000);
    const p = grant.profile;
    const email = grant.scopes.some((scope) => EMAIL_SCOPES.has(scope));
    const profile = grant.scopes.some((scope) => PROFILE_SCOPES.has(scope));
    return fakeJwt({
      iss: 'https://accounts.google.com',
      azp: FAKE_GOOGLE_CLIENT_ID,
      aud: FAKE_GOOGLE_CLIENT_ID,
      sub: p.sub,
      ...(email ? { email: p.email, email_verified: true } : {}),
      at_hash: createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url'),
      ...(profile
        ? { name: p.name, picture: p.picture, given_name: p.givenName, family_name: p.familyName }
        : {}),
      iat: now,
      exp: now + 3600,
    });
  }

  newAccessToken(grant: Grant): string {
    const token = `ya29.a0${randomBytes(48).toString('base64url')}`;
    this.accessTokens.set(token, { grant, expiresAt: Date.now() + this.expiresIn * 1000 });
    this.lastAccessToken = token;
    return token;
  }

  newGrant(profile: GoogleAccountProfile, scopes: string[], offline: boolean): Grant {
    const grant: Grant = { profile, scopes, refreshToken: undefined, revoked: false };
    if (offline) {
      grant.refreshToken = `1//0${randomBytes(60).toString('base64url')}`;
      this.grants.set(grant.refreshToken, grant);
      this.lastRefreshToken = grant.refreshToken;
    }
    return grant;
  }

  /** The grant of a refresh token, revoked or not. */
  grantOf(refreshToken: string): Grant | undefined {
    return this.grants.get(refreshToken);
  }

  /** Google's token answer, in its key order; `refresh_token` only on the code exchange. */
  tokenAnswer(grant: Grant, withRefreshToken: boolean): Reply {
    const accessToken = this.newAccessToken(grant);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        expires_in: this.expiresIn,
        ...(withRefreshToken && grant.refreshToken !== undefined
          ? { refresh_token: grant.refreshToken }
          : {}),
        scope: grant.scopes.join(' '),
        token_type: 'Bearer',
        ...(hasIdentityScope(grant.scopes) ? { id_token: this.idToken(grant, accessToken) } : {}),
      },
    };
  }

  liveAccess(token: string | undefined): AccessToken | undefined {
    if (token === undefined) return undefined;
    const access = this.accessTokens.get(token);
    if (access === undefined || access.grant.revoked || access.expiresAt <= Date.now()) return undefined;
    return access;
  }

  /** Revokes the grant of a refresh or access token; false when unknown or already revoked. */
  revoke(token: string): boolean {
    const grant = this.grants.get(token) ?? this.accessTokens.get(token)?.grant;
    if (grant === undefined || grant.revoked) return false;
    grant.revoked = true;
    return true;
  }
}
