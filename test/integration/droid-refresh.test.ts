// Droid accounts' credentials against real Redis and a fake WorkOS: a Factory API key is presented as it is and
// never refreshed; WorkOS tokens are refreshed under the same Redis lock as the OAuth kinds' (one refresh for many
// callers on two instances, the rotated refresh token stored, the expiry read from the new JWT), and a refresh
// WorkOS refuses makes the account's credential unavailable.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountRuntime } from '../../src/services/accounts/account-types.js';
import type { Services } from '../../src/services/container.js';
import { type FakeWorkOS, startFakeWorkOS } from '../support/fake-workos.js';
import { createTestServices } from '../support/services.js';

describe('droid account credentials', () => {
  let workos: FakeWorkOS;
  let first: Services;
  let second: Services;
  beforeEach(async () => {
    workos = await startFakeWorkOS();
    first = await createTestServices({ oauth: { droid: workos.settings() } });
    second = await createTestServices({
      oauth: { droid: workos.settings() },
      keyPrefix: first.context.keys.prefix,
    });
  });
  afterEach(async () => {
    await second.stop();
    await first.stop();
    await workos.close();
  });

  async function runtimeOf(services: Services, id: string): Promise<AccountRuntime> {
    const runtime = await services.accounts.runtime(id);
    if (!runtime) throw new Error(`account ${id} not found`);
    return runtime;
  }

  it('presents a Factory API key as it is, and takes a refused one as the account’s failure', async () => {
    const account = await first.accounts.create({
      type: 'droid',
      name: 'key',
      credentials: { apiKey: 'fk-1' },
    });
    const runtime = await runtimeOf(first, account.id);
    expect(first.credentials.forAccount(runtime)).toBe('fk-1');
    // No token to refresh: the account itself must go out of service.
    expect(first.credentials.refused(runtime)).toBe(false);
    expect(workos.calls.refresh).toBe(0);
  });

  it('refreshes a sign-in given only its refresh token once for callers on two instances', async () => {
    const signIn = workos.issueTokens();
    const account = await first.accounts.create({
      type: 'droid',
      name: 'sign-in',
      credentials: { refreshToken: signIn.refreshToken },
    });
    const runtimes = [await runtimeOf(first, account.id), await runtimeOf(second, account.id)];
    const tokens = await Promise.all(
      Array.from({ length: 10 }, (_, index) => {
        const services = index % 2 === 0 ? first : second;
        return services.credentials.forAccount(runtimes[index % 2] as AccountRuntime);
      }),
    );
    expect(workos.calls.refresh).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const [token] = tokens;
    expect(typeof token === 'string' && workos.isLiveAccessToken(token)).toBe(true);
    expect(workos.bodies).toEqual([
      {
        grant_type: 'refresh_token',
        refresh_token: signIn.refreshToken,
        client_id: workos.settings().clientId,
      },
    ]);

    const stored = await second.accounts.loadRuntime(account.id);
    expect(stored?.secrets.accessToken).toBe(token);
    // WorkOS rotates refresh tokens: the spent one is replaced, and the expiry is the new JWT's exp.
    expect(stored?.secrets.refreshToken).not.toBe(signIn.refreshToken);
    const expiresAt = stored?.secrets.expiresAt ?? 0;
    expect(Math.abs(expiresAt - (Date.now() + 3_600_000))).toBeLessThan(5_000);
    expect(await first.context.redis.exists(first.context.keys.lock(`oauth-refresh:${account.id}`))).toBe(0);
  });

  it('refreshes a token Factory refused, and marks the account unusable when WorkOS refuses the refresh', async () => {
    const signIn = workos.issueTokens();
    const account = await first.accounts.create({
      type: 'droid',
      name: 'sign-in',
      credentials: { ...signIn },
    });
    const runtime = await runtimeOf(first, account.id);
    expect(await first.credentials.forAccount(runtime)).toBe(signIn.accessToken);
    expect(workos.calls.refresh).toBe(0);

    // Factory refused the token before its time: the next use refreshes instead of failing the account.
    expect(first.credentials.refused(runtime)).toBe(true);
    workos.failNextRefresh('invalid_grant');
    await expect(first.credentials.forAccount(runtime)).rejects.toMatchObject({
      code: 'upstream_auth_failed',
      details: { reason: 'oauth_refresh_rejected' },
    });
    expect(workos.calls.refresh).toBe(1);
  });
});
