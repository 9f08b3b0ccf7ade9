// Slows password guessing: failed logins are counted per username and per client address in fixed windows;
// past the limit, logins are refused without checking the password until the window ends.
import { AppError } from '../../errors/app-error.js';
import type { RedisContext } from '../redis/record-store.js';

export interface LoginLimits {
  windowMs: number;
  /** Failures one username may have in a window (a targeted guess). */
  perUser: number;
  /** Failures one address may have in a window (one client guessing across usernames). */
  perAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowMs: 15 * 60_000, perUser: 10, perAddress: 50 };

export class LoginLimiter {
  constructor(
    private readonly context: RedisContext,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  /** Throws rate_limited (with retry-after) when either count is spent. */
  async check(username: string, address: string): Promise<void> {
    const { redis } = this.context;
    const [user, userTtl, client, clientTtl] =
      (await redis
        .multi()
        .get(this.userKey(username))
        .pttl(this.userKey(username))
        .get(this.addressKey(address))
        .pttl(this.addressKey(address))
        .exec()) ?? [];
    const over = (entry: typeof user, limit: number) => Number(entry?.[1] ?? 0) >= limit;
    const blocked = over(user, this.limits.perUser)
      ? userTtl
      : over(client, this.limits.perAddress)
        ? clientTtl
        : undefined;
    if (blocked) {
      const ms = Math.max(Number(blocked[1]), 1000);
      throw new AppError('rate_limited', 'Too many failed logins; try again later', {
        retryAfterSeconds: Math.ceil(ms / 1000),
        details: { reason: 'login_attempts' },
      });
    }
  }

  async failed(username: string, address: string): Promise<void> {
    const { windowMs } = this.limits;
    const pipeline = this.context.redis.multi();
    for (const key of [this.userKey(username), this.addressKey(address)]) {
      // The window starts at the first failure: NX keeps later failures from extending it.
      pipeline.incr(key).pexpire(key, windowMs, 'NX');
    }
    await pipeline.exec();
  }

  /** A successful login clears its username's failures (not the address's: others may share it). */
  async succeeded(username: string): Promise<void> {
    await this.context.redis.del(this.userKey(username));
  }

  private userKey(username: string): string {
    return this.context.keys.loginFailures('user', username.toLowerCase());
  }

  private addressKey(address: string): string {
    return this.context.keys.loginFailures('address', address);
  }
}
