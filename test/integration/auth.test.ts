// Control-plane sign-in against real Redis: login, refresh-token rotation with family
// revocation on reuse, logout, password change ending sessions, and the audit entries they leave.
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/container.js';
import { scanKeys } from '../support/redis.js';
import { createTestServices } from '../support/services.js';

const PASSWORD = 'correct horse battery';
/** The key `createTestServices` signs access tokens with. */
const TOKEN_SIGNING_KEY = 'test-token-signing-key-0123456789abcdef';

describe('control-plane auth', () => {
  let services: Services;
  let userId: string;

  beforeEach(async () => {
    services = await createTestServices();
    userId = (await services.users.create({ username: 'operator1', password: PASSWORD, role: 'operator' }))
      .id;
  });
  afterEach(async () => {
    await services.stop();
  });

  it('logs in, authenticates the access token, and rotates the refresh token on every use', async () => {
    const login = await services.auth.login('operator1', PASSWORD, '10.0.0.1');
    expect(login.user).toMatchObject({ id: userId, role: 'operator' });
    expect(login.user).not.toHaveProperty('passwordHash');
    const principal = await services.auth.authenticate(login.accessToken);
    expect(principal).toMatchObject({ userId, username: 'operator1', role: 'operator' });

    const second = await services.auth.refresh(login.refreshToken);
    expect(second.refreshToken).not.toBe(login.refreshToken);
    const third = await services.auth.refresh(second.refreshToken);
    expect((await services.auth.authenticate(third.accessToken)).userId).toBe(userId);

    // Refresh tokens are stored by hash only.
    const { redis, keys } = services.context;
    const stored = await scanKeys(redis, `${keys.authSlotPrefix()}*`);
    for (const key of stored) expect(key).not.toContain(third.refreshToken.slice(3));
  });

  it('revokes the whole family when a spent refresh token is presented again', async () => {
    const login = await services.auth.login('operator1', PASSWORD, '10.0.0.1');
    const rotated = await services.auth.refresh(login.refreshToken);
    await expect(services.auth.refresh(login.refreshToken)).rejects.toMatchObject({
      code: 'unauthenticated',
      details: { reason: 'refresh_token_reused' },
    });
    // The legitimate holder's newer token and access token are dead too.
    await expect(services.auth.refresh(rotated.refreshToken)).rejects.toMatchObject({
      details: { reason: 'session_ended' },
    });
    await expect(services.auth.authenticate(rotated.accessToken)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    // Another session of the same user is untouched.
    const other = await services.auth.login('operator1', PASSWORD, '10.0.0.2');
    expect((await services.auth.refresh(other.refreshToken)).accessToken).toBeTruthy();
    const audit = await services.audit.list({ action: 'auth.refresh_reused' });
    expect(audit.items).toHaveLength(1);
  });

  it('ends the session on logout and every session on a password change', async () => {
    const first = await services.auth.login('operator1', PASSWORD, '10.0.0.1');
    const second = await services.auth.login('operator1', PASSWORD, '10.0.0.1');
    await services.auth.logout(await services.auth.authenticate(first.accessToken));
    await expect(services.auth.authenticate(first.accessToken)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(services.auth.refresh(first.refreshToken)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect((await services.auth.authenticate(second.accessToken)).userId).toBe(userId);

    const principal = await services.auth.authenticate(second.accessToken);
    await expect(
      services.auth.changePassword(principal, 'not the password', 'a brand new password'),
    ).rejects.toMatchObject({
      code: 'unauthenticated',
      details: { field: 'currentPassword' },
    });
    await expect(services.auth.changePassword(principal, PASSWORD, 'short')).rejects.toMatchObject({
      code: 'invalid_request',
      details: { field: 'newPassword' },
    });
    const third = await services.auth.login('operator1', PASSWORD, '10.0.0.3');
    await services.auth.changePassword(principal, PASSWORD, 'a brand new password');
    // Sessions begun before the change end, including ones not used for the change.
    await expect(services.auth.refresh(third.refreshToken)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(services.auth.authenticate(third.accessToken)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(services.auth.login('operator1', PASSWORD, '10.0.0.1')).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect((await services.auth.login('operator1', 'a brand new password', '10.0.0.1')).user.id).toBe(userId);

    const actions = (await services.audit.list({ actor: userId })).items.map((entry) => entry.action);
    expect(actions).toEqual([
      'auth.login',
      'user.change_password',
      'auth.login',
      'auth.logout',
      'auth.login',
      'auth.login',
    ]);
  });

  it('refuses wrong credentials alike: unknown user, wrong password, disabled user', async () => {
    const wrong = { code: 'unauthenticated', message: 'Wrong username or password' };
    await expect(services.auth.login('operator1', 'wrong password!', '10.0.0.9')).rejects.toMatchObject(
      wrong,
    );
    await expect(services.auth.login('nobody', PASSWORD, '10.0.0.9')).rejects.toMatchObject(wrong);
    const viewer = await services.users.create({ username: 'viewer1', password: PASSWORD, role: 'viewer' });
    await services.users.update(viewer.id, { disabled: true });
    await expect(services.auth.login('viewer1', PASSWORD, '10.0.0.9')).rejects.toMatchObject(wrong);
    // The limits on failed attempts are test/integration/login-limiter.test.ts's subject.
  });

  it('rejects forged and expired access tokens', async () => {
    const login = await services.auth.login('operator1', PASSWORD, '10.0.0.1');
    const [header, payload, signature] = login.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const raised = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    await expect(services.auth.authenticate(`${header}.${raised}.${signature}`)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(services.auth.authenticate('not a token')).rejects.toMatchObject({
      code: 'unauthenticated',
    });

    // Signed with the right key, for a live session, with every claim but an expiry: it would never expire.
    const forever = await new SignJWT({ role: claims.role, ver: claims.ver, fam: claims.fam })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setIssuedAt()
      .sign(new TextEncoder().encode(TOKEN_SIGNING_KEY));
    await expect(services.auth.authenticate(forever)).rejects.toMatchObject({
      code: 'unauthenticated',
      details: { reason: 'invalid_access_token' },
    });
    // The same token with an expiry is accepted: what is refused above is the missing claim alone.
    const bounded = await new SignJWT({ role: claims.role, ver: claims.ver, fam: claims.fam })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TOKEN_SIGNING_KEY));
    expect((await services.auth.authenticate(bounded)).userId).toBe(userId);

    // Another instance on the same keys, issuing access tokens that live 1 ms (stopping it clears the keys,
    // so this comes last).
    const expiring = await createTestServices({
      keyPrefix: services.context.keys.prefix,
      sessionTtls: { accessTtlMs: 1, refreshTtlMs: 60_000 },
    });
    try {
      const short = await expiring.auth.login('operator1', PASSWORD, '10.0.0.1');
      await expect
        .poll(
          () =>
            expiring.auth.authenticate(short.accessToken).then(
              () => 'valid',
              () => 'refused',
            ),
          {
            interval: 50,
            timeout: 3000,
          },
        )
        .toBe('refused');
    } finally {
      await expiring.stop();
    }
  });
});
