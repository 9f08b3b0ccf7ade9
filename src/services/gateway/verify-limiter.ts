// RFC 8628 §5.1: user codes are short enough to guess, so the verification page takes a bounded number of
// tries per address and window; past it the address waits for the window to end.
import { AppError } from '../../errors/app-error.js';
import { addressScope } from '../auth/address-scope.js';
import type { RedisContext } from '../redis/record-store.js';
import type { GatewaySettings } from './gateway-types.js';

export class VerifyLimiter {
  constructor(
    private readonly context: RedisContext,
    private readonly settings: Pick<GatewaySettings, 'verifyAttempts' | 'verifyWindowMs'>,
  ) {}

  /** Counts one try from `address`; refuses with `rate_limited` once the window's tries are used up. */
  async take(address: string): Promise<void> {
    const { redis, keys } = this.context;
    const key = keys.gatewayVerifyAttempts(encodeURIComponent(addressScope(address)));
    const replies = await redis
      .multi()
      .set(key, 0, 'PX', this.settings.verifyWindowMs, 'NX')
      .incr(key)
      .pttl(key)
      .exec();
    const count = Number(replies?.[1]?.[1] ?? 0);
    const waitMs = Number(replies?.[2]?.[1] ?? this.settings.verifyWindowMs);
    if (count > this.settings.verifyAttempts) {
      throw new AppError(
        'rate_limited',
        'Too many sign-in codes tried from this address; wait and try again',
        {
          retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
        },
      );
    }
  }
}
