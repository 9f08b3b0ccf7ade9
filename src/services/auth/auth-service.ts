// Control-plane sign-in: login with a rate limit, refresh-token rotation, logout, password change, and the
// principal behind an access token. Every outcome that changes a session is written to the audit log.
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { UserService } from '../users/user-service.js';
import type { User } from '../users/user-types.js';
import type { LoginLimiter } from './login-limiter.js';
import type { AccessClaims, IssuedTokens, SessionTokens } from './session-tokens.js';

export interface Principal {
  userId: string;
  username: string;
  role: User['role'];
  /**
   * The session the access token belongs to; absent for a caller that no session stands behind (an operator
   * at the server's console, such as the admin CLI, acting with the admin role).
   */
  familyId?: string;
}

export interface LoginResult extends IssuedTokens {
  user: User;
}

const WRONG_CREDENTIALS = 'Wrong username or password';

/**
 * What the sign-in operations take, bounded before any hashing. Only bounds: the rules of a new password are
 * the user service's, and a login must not say which rule a stored password would break.
 */
export const loginInputSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const refreshInputSchema = z.object({ refreshToken: z.string().min(1).max(200) });
export const changePasswordInputSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(1).max(256),
});

export class AuthService {
  constructor(
    private readonly users: UserService,
    private readonly tokens: SessionTokens,
    private readonly limiter: LoginLimiter,
    private readonly audit: AuditLog,
    /** Told after a user's sessions ended (a password change), so what caches them looks again. */
    private readonly onSessionsEnded: () => Promise<void> = async () => {},
  ) {}

  /**
   * The attempt is taken before the password is checked, so parallel attempts cannot pass the limit between a
   * check and its count; a failure needs no further write, a success clears its username+address state.
   */
  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const attempt = await this.limiter.take(username, address);
    const user = await this.users.verifyCredentials(username, password);
    if (!user) {
      // One message for unknown users, wrong passwords and disabled users: the answer must not tell them apart.
      throw new AppError('unauthenticated', WRONG_CREDENTIALS, { details: { reason: 'wrong_credentials' } });
    }
    await this.limiter.succeeded(attempt);
    const tokens = await this.tokens.start(user);
    await this.audit.record({ actor: user.id, action: 'auth.login', target: user.id, detail: { address } });
    return { ...tokens, user };
  }

  async refresh(refreshToken: string): Promise<IssuedTokens> {
    try {
      let holder: string | undefined;
      const tokens = await this.tokens.rotate(refreshToken, async (userId) => {
        holder = userId;
        const user = await this.users.get(userId);
        return user && !user.disabled ? user : undefined;
      });
      // The session's holder is known only once the token is read; no token value goes into the entry.
      if (holder) await this.audit.record({ actor: holder, action: 'auth.refresh', target: holder });
      return tokens;
    } catch (error) {
      if (error instanceof AppError && error.details?.reason === 'refresh_token_reused') {
        await this.audit.record({ actor: 'system', action: 'auth.refresh_reused', target: 'session' });
      }
      throw error;
    }
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.familyId !== undefined) await this.tokens.end(principal.familyId);
    await this.audit.record({ actor: principal.userId, action: 'auth.logout', target: principal.userId });
  }

  /** Changes the caller's own password; every session of the user, this one included, ends. */
  async changePassword(principal: Principal, current: string, next: string): Promise<void> {
    await this.users.changePassword(principal.userId, current, next);
    if (principal.familyId !== undefined) await this.tokens.end(principal.familyId);
    await this.onSessionsEnded();
    await this.audit.record({
      actor: principal.userId,
      action: 'user.change_password',
      target: principal.userId,
    });
  }

  /**
   * The user behind an access token, as they are now: a disabled user, a password changed since, or a
   * session logged out make the token worthless before it expires.
   */
  async authenticate(accessToken: string): Promise<Principal> {
    const claims: AccessClaims = await this.tokens.verifyAccess(accessToken);
    const [user, live] = await Promise.all([
      this.users.get(claims.userId),
      this.tokens.isLive(claims.familyId),
    ]);
    if (!user || user.disabled || user.sessionVersion !== claims.sessionVersion || !live) {
      throw new AppError('unauthenticated', 'This session has ended; log in again', {
        details: { reason: 'session_ended' },
      });
    }
    return { userId: user.id, username: user.username, role: user.role, familyId: claims.familyId };
  }
}
