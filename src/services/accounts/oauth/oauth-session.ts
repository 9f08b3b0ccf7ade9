// Pending authorizations in Redis: written at start, taken exactly once (GETDEL) by the code exchange.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../errors/app-error.js';
import type { RedisContext } from '../../redis/record-store.js';
import { oauthAccountTypeSchema } from '../account-types.js';

/** Long enough to sign in and paste a code; short enough that a leaked session id soon means nothing. */
export const SESSION_TTL_MS = 10 * 60_000;

export const sessionIdSchema = z
  .string()
  .regex(/^oauth_[A-Za-z0-9_-]{22}$/, 'is not an authorization session id');

const sessionSchema = z.object({
  /** The kind being signed in to; sessions written before kinds existed were Claude's. */
  type: oauthAccountTypeSchema.default('claude-oauth'),
  verifier: z.string(),
  state: z.string(),
  expiresAt: z.number().int(),
  /** Name for the account the exchange creates, chosen at start. */
  name: z.string().optional(),
  /** Set when the session re-authorises an existing account rather than creating one. */
  accountId: z.string().optional(),
});
export type OAuthSession = z.output<typeof sessionSchema>;

export class OAuthSessions {
  constructor(private readonly context: RedisContext) {}

  async create(session: OAuthSession, ttlMs: number): Promise<string> {
    const sessionId = `oauth_${randomBytes(16).toString('base64url')}`;
    await this.context.redis.set(
      this.context.keys.oauthSession(sessionId),
      JSON.stringify(session),
      'PX',
      ttlMs,
    );
    return sessionId;
  }

  /** Removes and returns the session: a second exchange with the same id finds nothing. */
  async take(sessionId: string): Promise<OAuthSession> {
    const raw = await this.context.redis.getdel(this.context.keys.oauthSession(sessionId));
    if (!raw) {
      throw new AppError(
        'invalid_request',
        'The authorization session has expired or was already used; start a new authorization',
        { details: { field: 'sessionId', reason: 'oauth_session_unknown' } },
      );
    }
    return sessionSchema.parse(JSON.parse(raw));
  }
}
