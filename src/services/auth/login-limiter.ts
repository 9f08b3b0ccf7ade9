// Slows password guessing without handing guessers a way to lock users out: each attempt is taken atomically
// before its password is checked, backed off per username+address, and bounded per address for usernames
// that never signed in from there (login-attempt-2.lua, login-success-2.lua).
import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { RedisContext } from '../redis/record-store.js';
import { addressScope } from './address-scope.js';

export interface LoginLimits {
  /** Attempts one username may make from one address before each further attempt must wait. */
  freeAttempts: number;
  /** The first wait after the free attempts; it doubles with every further attempt, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Attempts one address may make per window for usernames that have not signed in from it: one client
   * guessing across usernames.
   */
  perAddress: number;
  addressWindowMs: number;
  /** How long a username+address pair's failures are remembered after its last attempt. */
  forgetAfterMs: number;
  /** How long a pair that signed in stays exempt from its address's bound. */
  trustedForMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  freeAttempts: 5,
  baseDelayMs: 5_000,
  maxDelayMs: 15 * 60_000,
  perAddress: 50,
  addressWindowMs: 15 * 60_000,
  forgetAfterMs: 24 * 3_600_000,
  trustedForMs: 30 * 86_400_000,
};

/** An attempt the limiter let through; hand it back to `succeeded` when its password matched. */
export interface LoginAttempt {
  readonly pairKey: string;
  readonly addressKey: string;
  /** Whether the attempt counted against its address (pairs trusted there do not). */
  readonly chargedAddress: boolean;
}

/** Longest key part kept readable; longer ones (a forged forwarded address) are hashed. */
const MAX_PART_LENGTH = 100;

/** Encoded so that no username or address can reach outside its part of a key name, or into the hash tag. */
function keyPart(value: string): string {
  const encoded = encodeURIComponent(value);
  return encoded.length <= MAX_PART_LENGTH
    ? encoded
    : `sha256-${createHash('sha256').update(value).digest('hex')}`;
}

export class LoginLimiter {
  constructor(
    private readonly context: RedisContext,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes an attempt, or throws rate_limited with the wait. It never looks at whether the user exists, so a
   * refusal says nothing about that either.
   */
  async take(username: string, address: string): Promise<LoginAttempt> {
    const { keys, scripts } = this.context;
    const place = keyPart(addressScope(address));
    const pairKey = keys.loginPair(place, keyPart(username.toLowerCase()));
    const addressKey = keys.loginAddress(place);
    const limits = this.limits;
    const result = await scripts.run(
      'login-attempt',
      [pairKey, addressKey],
      [
        this.now(),
        limits.freeAttempts,
        limits.baseDelayMs,
        limits.maxDelayMs,
        Math.max(limits.forgetAfterMs, limits.maxDelayMs),
        limits.perAddress,
        limits.addressWindowMs,
      ],
    );
    const [status, value] = Array.isArray(result) ? result : [];
    if (status === 'ok') return { pairKey, addressKey, chargedAddress: Number(value) === 1 };
    const waitMs = Number(value);
    throw new AppError('rate_limited', 'Too many failed logins; try again later', {
      retryAfterSeconds: Math.max(1, Math.ceil((Number.isFinite(waitMs) ? waitMs : 1000) / 1000)),
      details: { reason: 'login_attempts' },
    });
  }

  /** Clears the pair's failures and trusts it at its address; the address gets the attempt back. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    await this.context.scripts.run(
      'login-success',
      [attempt.pairKey, attempt.addressKey],
      [this.limits.trustedForMs, attempt.chargedAddress ? 1 : 0],
    );
  }
}
