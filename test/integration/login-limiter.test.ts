// The sign-in limiter against real Redis: failures back off per username+address (an attacker cannot lock a
// user out from everywhere), a per-address bound stops guessing across usernames without locking out users
// who signed in there before, parallel attempts never pass the limit, and unknown or disabled users cost an
// argon2 verify like known ones.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../src/errors/app-error.js';
import { AuthService } from '../../src/services/auth/auth-service.js';
import { LoginLimiter, type LoginLimits } from '../../src/services/auth/login-limiter.js';
import { SessionTokens } from '../../src/services/auth/session-tokens.js';
import type { Services } from '../../src/services/container.js';
import { ARGON2_PASSWORDS, type PasswordHasher } from '../../src/services/users/password.js';
import { UserService } from '../../src/services/users/user-service.js';
import { createTestServices } from '../support/services.js';

const PASSWORD = 'correct horse battery';
const WRONG = 'not the password at all';

const LIMITS: LoginLimits = {
  freeAttempts: 3,
  // Longer than any argon2 verify on a loaded machine, so a wait set by one attempt is still on for the next.
  baseDelayMs: 10_000,
  maxDelayMs: 80_000,
  perAddress: 6,
  addressWindowMs: 60_000,
  forgetAfterMs: 3_600_000,
  trustedForMs: 86_400_000,
};

/** How a login ended: the refusal's code (and retry-after), or `ok`. */
async function outcome(login: Promise<unknown>): Promise<{ code: string; retryAfterSeconds?: number }> {
  try {
    await login;
    return { code: 'ok' };
  } catch (error) {
    const { code, retryAfterSeconds } = error as AppError;
    return retryAfterSeconds === undefined ? { code } : { code, retryAfterSeconds };
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

describe('sign-in limiter', () => {
  let services: Services;

  beforeEach(async () => {
    services = await createTestServices({ loginLimits: LIMITS });
    await services.users.create({ username: 'admin2', password: PASSWORD, role: 'admin' });
    await services.users.create({ username: 'viewer1', password: PASSWORD, role: 'viewer' });
    await services.users.create({ username: 'operator1', password: PASSWORD, role: 'operator' });
  });
  afterEach(async () => {
    await services.stop();
  });

  const login = (username: string, password: string, address: string) =>
    outcome(services.auth.login(username, password, address));

  it("backs off an attacker's address only: the user still signs in from anywhere else", async () => {
    for (let attempt = 0; attempt < LIMITS.freeAttempts; attempt++) {
      expect(await login('admin2', WRONG, '203.0.113.9')).toEqual({ code: 'unauthenticated' });
    }
    // Even the right password waits at the attacker's address…
    const refused = await login('admin2', PASSWORD, '203.0.113.9');
    expect(refused.code).toBe('rate_limited');
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // …but the admin, elsewhere, is not locked out.
    expect(await login('admin2', PASSWORD, '198.51.100.7')).toEqual({ code: 'ok' });
    expect(await login('Admin2', PASSWORD, '198.51.100.8')).toEqual({ code: 'ok' });
  });

  it('counts one IPv6 /64 as one address, so fresh addresses from it buy no more guesses', async () => {
    for (let attempt = 0; attempt < LIMITS.freeAttempts; attempt++) {
      expect(await login('admin2', WRONG, `2001:db8:1:1::${attempt + 1}`)).toEqual({
        code: 'unauthenticated',
      });
    }
    expect((await login('admin2', PASSWORD, '2001:db8:1:1::99')).code).toBe('rate_limited');
    expect(await login('admin2', PASSWORD, '2001:db8:1:2::1')).toEqual({ code: 'ok' });
  });

  it('doubles the wait with every further attempt, and a success clears the pair', async () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter(services.context, { ...LIMITS, perAddress: 100 }, () => now);
    const waits: number[] = [];
    const take = async () => {
      try {
        return await limiter.take('viewer1', '10.9.9.9');
      } catch (error) {
        const seconds = (error as AppError).retryAfterSeconds ?? 0;
        waits.push(seconds);
        return undefined;
      }
    };
    for (let attempt = 0; attempt < LIMITS.freeAttempts; attempt++) expect(await take()).toBeDefined();
    for (const expected of [10, 20, 40, 80, 80]) {
      expect(await take()).toBeUndefined();
      expect(waits.at(-1)).toBe(expected);
      now += expected * 1000;
      expect(await take()).toBeDefined();
    }
    // Another address and another username are untouched by this pair's waits.
    expect(await limiter.take('viewer1', '10.9.9.8')).toBeDefined();
    expect(await limiter.take('operator1', '10.9.9.9')).toBeDefined();

    const attempt = await (async () => {
      now += 80_000;
      return limiter.take('viewer1', '10.9.9.9');
    })();
    await limiter.succeeded(attempt);
    for (let again = 0; again < LIMITS.freeAttempts; again++) expect(await take()).toBeDefined();
    expect(await take()).toBeUndefined();
  });

  it('bounds one address across usernames without locking out users who signed in there before', async () => {
    const proxy = '10.1.1.1';
    expect(await login('viewer1', PASSWORD, proxy)).toEqual({ code: 'ok' });
    for (let name = 0; name < LIMITS.perAddress; name++) {
      expect(await login(`guess${name}`, WRONG, proxy)).toEqual({ code: 'unauthenticated' });
    }
    // Guessing goes no further from this address, for names that never signed in here…
    expect((await login('guess-next', WRONG, proxy)).code).toBe('rate_limited');
    expect((await login('operator1', PASSWORD, proxy)).code).toBe('rate_limited');
    // …while the user who did sign in here before still does, and everyone else elsewhere.
    expect(await login('viewer1', PASSWORD, proxy)).toEqual({ code: 'ok' });
    expect(await login('operator1', PASSWORD, '10.1.1.2')).toEqual({ code: 'ok' });
  });

  it('never lets parallel attempts past the limit: each takes its place before the password is checked', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_unused, index) => login('operator1', `${WRONG} ${index}`, '10.2.2.2')),
    );
    const codes = results.map((result) => result.code);
    expect(codes.filter((code) => code === 'unauthenticated')).toHaveLength(LIMITS.freeAttempts);
    expect(codes.filter((code) => code === 'rate_limited')).toHaveLength(12 - LIMITS.freeAttempts);
  });

  it('refuses alike whether the username exists or not', async () => {
    const refusals = [];
    for (const username of ['operator1', 'nobody-here']) {
      const address = `10.3.3.${username.length}`;
      for (let attempt = 0; attempt < LIMITS.freeAttempts; attempt++) {
        await expect(services.auth.login(username, WRONG, address)).rejects.toMatchObject({
          code: 'unauthenticated',
          message: 'Wrong username or password',
        });
      }
      refusals.push(await services.auth.login(username, WRONG, address).catch((error: AppError) => error));
    }
    const [known, unknown] = refusals as AppError[];
    expect(known).toMatchObject({ code: 'rate_limited' });
    expect(unknown).toMatchObject({
      code: known?.code,
      message: known?.message,
      retryAfterSeconds: known?.retryAfterSeconds,
      details: known?.details,
    });
  });

  // Fifteen argon2 verifies in a row: the 90 s bound leaves room on a machine shared with other work.
  it('makes unknown and disabled users cost an argon2 verify, as known users with a wrong password do', async () => {
    // The real argon2 hasher, counted: a seam the user service takes, not a stand-in.
    let verifications = 0;
    const counted: PasswordHasher = {
      hash: (password) => ARGON2_PASSWORDS.hash(password),
      verify: (hash, password) => {
        verifications += 1;
        return ARGON2_PASSWORDS.verify(hash, password);
      },
    };
    const users = new UserService(services.context, counted);
    const wide = { ...LIMITS, freeAttempts: 1000, perAddress: 1000 };
    const auth = new AuthService(
      users,
      new SessionTokens(services.context, {
        signingKey: 'test-token-signing-key-0123456789abcdef',
        accessTtlMs: 60_000,
        refreshTtlMs: 60_000,
      }),
      new LoginLimiter(services.context, wide),
      services.audit,
    );
    const disabled = await users.create({ username: 'gone-user', password: PASSWORD, role: 'viewer' });
    await users.update(disabled.id, { disabled: true });

    const paths = {
      known: () => auth.login('operator1', WRONG, '10.4.4.1'),
      unknown: () => auth.login('no-such-user', WRONG, '10.4.4.2'),
      disabled: () => auth.login('gone-user', PASSWORD, '10.4.4.3'),
    };
    const times: Record<keyof typeof paths, number[]> = { known: [], unknown: [], disabled: [] };
    // Interleaved, so that whatever else loads the machine weighs on every path alike.
    for (let round = 0; round < 5; round++) {
      for (const [name, attempt] of Object.entries(paths) as Array<
        [keyof typeof paths, () => Promise<unknown>]
      >) {
        const before = verifications;
        const started = performance.now();
        await expect(attempt()).rejects.toMatchObject({ code: 'unauthenticated' });
        times[name].push(performance.now() - started);
        expect(verifications - before, `${name} login verifies the password once`).toBe(1);
      }
    }
    // The count above is the exact proof; the times show what it buys, with a loose factor that a loaded
    // machine cannot flake (before, unknown users answered ~50x faster).
    const known = median(times.known);
    expect(median(times.unknown)).toBeGreaterThan(known / 3);
    expect(median(times.disabled)).toBeGreaterThan(known / 3);
  }, 90_000);
});
