// Session tokens of control-plane users: short-lived signed access tokens (JWT, HS256) and opaque refresh
// tokens that rotate on every use, grouped in families so that a replayed refresh token ends the session.
import { createHash, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { AppError } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import type { RedisContext } from '../redis/record-store.js';
import { ROLES, type Role } from '../users/user-types.js';

export interface SessionTokenSettings {
  /** The server's TOKEN_SIGNING_KEY. */
  signingKey: string;
  accessTtlMs: number;
  refreshTtlMs: number;
  /**
   * Who the access tokens are for (default `control-plane`) and how this kind's refresh tokens start
   * (default `rt_`). Gateway sign-ins use their own of both, so neither kind of token is accepted by the other:
   * a device's refresh token must never become a control-plane session, nor the reverse.
   */
  audience?: string;
  refreshPrefix?: string;
}

export const DEFAULT_SESSION_TTLS = { accessTtlMs: 15 * 60_000, refreshTtlMs: 30 * 86_400_000 };

/** What a session is issued for: the user as they are when it starts or rotates. */
export interface SessionUser {
  id: string;
  role: Role;
  sessionVersion: number;
}

export interface AccessClaims {
  userId: string;
  role: Role;
  /** The user's session version when the session began: a password change ends older sessions. */
  sessionVersion: number;
  familyId: string;
  /** Ms since the epoch. */
  expiresAt: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Ms since the epoch. */
  accessExpiresAt: number;
  refreshExpiresAt: number;
}

const ISSUER = 'llm-relay';
const CONTROL_PLANE_AUDIENCE = 'control-plane';

const REFUSALS = {
  invalid_refresh_token: 'The refresh token is invalid or expired; log in again',
  session_ended: 'This session has ended; log in again',
  refresh_token_reused:
    'This refresh token was already used: the session has been ended for safety; log in again',
} as const;

/** Refresh tokens are stored by hash only: a Redis dump must not hand out sessions. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionTokens {
  private readonly key: Uint8Array;
  private readonly audience: string;
  private readonly refreshPrefix: string;

  constructor(
    private readonly context: RedisContext,
    private readonly settings: SessionTokenSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.key = new TextEncoder().encode(settings.signingKey);
    this.audience = settings.audience ?? CONTROL_PLANE_AUDIENCE;
    this.refreshPrefix = settings.refreshPrefix ?? 'rt_';
  }

  /**
   * Starts a session (a new refresh-token family) for a user who just proved who they are. The family id may
   * be given when something else is named by it (a gateway device is its family).
   */
  async start(user: SessionUser, familyId: string = newId('fam')): Promise<IssuedTokens> {
    const now = this.now();
    const refreshToken = this.newRefreshToken();
    const { redis, keys } = this.context;
    const ttl = this.settings.refreshTtlMs;
    const record = keys.authRefreshToken(hashToken(refreshToken));
    await redis
      .multi()
      .set(keys.authFamily(familyId), user.id, 'PX', ttl)
      .hset(record, { user: user.id, family: familyId, used: '0', exp: now + ttl, ver: user.sessionVersion })
      .pexpire(record, ttl)
      .exec();
    return this.issue(user, familyId, refreshToken, now);
  }

  /**
   * Spends a refresh token for a new pair. `currentUser` is asked after the rotation whether the user may
   * still have sessions (exists, not disabled); a password change since the session began ends it.
   */
  async rotate(
    refreshToken: string,
    currentUser: (userId: string) => Promise<SessionUser | undefined>,
  ): Promise<IssuedTokens> {
    const { scripts, keys } = this.context;
    if (!this.isOwnRefreshToken(refreshToken)) {
      throw new AppError('unauthenticated', REFUSALS.invalid_refresh_token, {
        details: { reason: 'invalid_refresh_token' },
      });
    }
    // The family is read first so that the rotation declares its key (a cluster checks only declared keys).
    const presentedFamily = await this.familyOf(refreshToken);
    const next = this.newRefreshToken();
    const now = this.now();
    const result =
      presentedFamily === undefined
        ? ['invalid']
        : await scripts.run(
            'refresh-rotate',
            [
              keys.authRefreshToken(hashToken(refreshToken)),
              keys.authRefreshToken(hashToken(next)),
              keys.authFamily(presentedFamily),
            ],
            [presentedFamily, now, this.settings.refreshTtlMs],
          );
    const [status, userId, familyId, version] = Array.isArray(result) ? result.map(String) : [];
    if (status !== 'ok' || !userId || !familyId) {
      const reason =
        status === 'reused'
          ? 'refresh_token_reused'
          : status === 'revoked'
            ? 'session_ended'
            : 'invalid_refresh_token';
      throw new AppError('unauthenticated', REFUSALS[reason], { details: { reason } });
    }
    const user = await currentUser(userId);
    if (!user || user.sessionVersion !== Number(version)) {
      await this.end(familyId);
      throw new AppError('unauthenticated', REFUSALS.session_ended, { details: { reason: 'session_ended' } });
    }
    return this.issue(user, familyId, next, now);
  }

  /** Ends the session a refresh token belongs to (logout); an unknown token ends nothing. */
  async endByRefreshToken(refreshToken: string): Promise<void> {
    const familyId = await this.familyOf(refreshToken);
    if (familyId) await this.end(familyId);
  }

  async end(familyId: string): Promise<void> {
    await this.context.redis.del(this.context.keys.authFamily(familyId));
  }

  /** Whether the session behind an access token is still live (not logged out, not revoked). */
  async isLive(familyId: string): Promise<boolean> {
    return (await this.context.redis.exists(this.context.keys.authFamily(familyId))) === 1;
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: this.audience,
        algorithms: ['HS256'],
        // jose checks `exp` only when present: a token without one would never expire.
        requiredClaims: ['exp'],
        currentDate: new Date(this.now()),
      });
      const role = ROLES.find((candidate) => candidate === payload.role);
      if (!payload.sub || !role || typeof payload.ver !== 'number' || typeof payload.fam !== 'string') {
        throw new Error('claims missing');
      }
      return {
        userId: payload.sub,
        role,
        sessionVersion: payload.ver,
        familyId: payload.fam,
        expiresAt: (payload.exp ?? 0) * 1000,
      };
    } catch {
      throw new AppError('unauthenticated', 'The access token is invalid or expired', {
        details: { reason: 'invalid_access_token' },
      });
    }
  }

  /** The family a refresh token of this kind belongs to, without spending it; undefined when unknown. */
  async familyOf(refreshToken: string): Promise<string | undefined> {
    if (!this.isOwnRefreshToken(refreshToken)) return undefined;
    const { redis, keys } = this.context;
    return (await redis.hget(keys.authRefreshToken(hashToken(refreshToken)), 'family')) ?? undefined;
  }

  private newRefreshToken(): string {
    return `${this.refreshPrefix}${randomBytes(32).toString('base64url')}`;
  }

  private isOwnRefreshToken(token: string): boolean {
    return token.startsWith(this.refreshPrefix);
  }

  private async issue(
    user: SessionUser,
    familyId: string,
    refreshToken: string,
    now: number,
  ): Promise<IssuedTokens> {
    const accessExpiresAt = now + this.settings.accessTtlMs;
    const accessToken = await new SignJWT({ role: user.role, ver: user.sessionVersion, fam: familyId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setAudience(this.audience)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(accessExpiresAt / 1000))
      .sign(this.key);
    return { accessToken, refreshToken, accessExpiresAt, refreshExpiresAt: now + this.settings.refreshTtlMs };
  }
}
