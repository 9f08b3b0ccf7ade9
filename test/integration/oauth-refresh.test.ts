import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountRuntime } from '../../src/services/accounts/account-types.js';
import { OAuthClients } from '../../src/services/accounts/oauth/oauth-client.js';
import { oauthSettingsOf } from '../../src/services/accounts/oauth/oauth-settings.js';
import { OAuthTokenManager } from '../../src/services/accounts/oauth/token-manager.js';
import type { Services } from '../../src/services/container.js';
import { type FakeOAuth, startFakeOAuth } from '../support/fake-oauth.js';
import { createTestServices } from '../support/services.js';

describe('oauth token refresh across instances', () => {
  let fake: FakeOAuth;
  let first: Services;
  let second: Services;
  beforeEach(async () => {
    fake = await startFakeOAuth({ expiresIn: 3600 });
    first = await createTestServices({ oauth: { 'claude-oauth': fake.settings() } });
    second = await createTestServices({
      oauth: { 'claude-oauth': fake.settings() },
      keyPrefix: first.context.keys.prefix,
    });
  });
  afterEach(async () => {
    await second.stop();
    await first.stop();
    await fake.close();
  });

  /** A claude-oauth account whose token expires in `expiresInMs` (the skew is 5 minutes). */
  async function oauthAccount(expiresInMs: number): Promise<{ id: string; accessToken: string }> {
    const tokens = fake.issueTokens();
    const account = await first.accounts.create({
      type: 'claude-oauth',
      name: 'subscription',
      credentials: { ...tokens, expiresAt: Date.now() + expiresInMs },
    });
    return { id: account.id, accessToken: tokens.accessToken };
  }

  /** Resolves once `second` has received every message `first` published so far (one connection, in order). */
  async function messagesDelivered(): Promise<void> {
    let delivered = () => {};
    const received = new Promise<void>((resolve) => {
      delivered = resolve;
    });
    const detach = await second.bus.subscribe('test-barrier', { onMessage: () => delivered() });
    await first.bus.publish('test-barrier', 'x');
    await received;
    await detach();
  }

  async function runtimeOf(services: Services, id: string): Promise<AccountRuntime> {
    const runtime = await services.accounts.runtime(id);
    if (!runtime) throw new Error(`account ${id} not found`);
    return runtime;
  }

  it('uses a token that is not near expiry without refreshing or asking Redis', async () => {
    const account = await oauthAccount(3_600_000);
    const runtime = await runtimeOf(first, account.id);
    const load = vi.spyOn(first.accounts, 'loadRuntime');
    const set = vi.spyOn(first.context.redis, 'set');
    expect(await first.oauthTokens.accessToken(runtime)).toBe(account.accessToken);
    expect(await first.credentials.forAccount(runtime)).toBe(account.accessToken);
    expect(load).not.toHaveBeenCalled();
    expect(set).not.toHaveBeenCalled();
    expect(fake.calls.refresh).toBe(0);
  });

  it('refreshes once for twenty concurrent calls split across two instances', async () => {
    const account = await oauthAccount(60_000);
    const runtimes = [await runtimeOf(first, account.id), await runtimeOf(second, account.id)];
    const gate = fake.holdRefreshes();
    const calls = Array.from({ length: 20 }, (_, index) => {
      const services = index % 2 === 0 ? first : second;
      return services.oauthTokens.accessToken(runtimes[index % 2] as AccountRuntime);
    });
    // Callers in one process share one promise: one refresh or one wait per instance.
    expect(first.oauthTokens.accessToken(runtimes[0] as AccountRuntime)).toBe(calls[0]);

    await gate.arrived;
    // One instance holds the lock and is at the token endpoint; the other waits for its announcement.
    await expect
      .poll(() => first.oauthTokens.isWaiting(account.id) || second.oauthTokens.isWaiting(account.id))
      .toBe(true);
    expect([first, second].filter((services) => services.oauthTokens.isWaiting(account.id))).toHaveLength(1);
    gate.release();

    const tokens = await Promise.all(calls);
    const fresh = fake.lastAccessToken;
    expect(fresh).not.toBe(account.accessToken);
    expect(new Set(tokens)).toEqual(new Set([fresh]));
    expect(fake.calls.refresh).toBe(1);
    expect(fake.bodies.at(-1)).toMatchObject({
      grant_type: 'refresh_token',
      client_id: fake.settings().clientId,
    });

    // Both instances' caches drop the old runtime: the relay's next request presents the new token.
    for (const services of [first, second]) {
      await expect
        .poll(async () => (await services.accounts.runtime(account.id))?.secrets.accessToken)
        .toBe(fresh);
    }
    const stored = await runtimeOf(second, account.id);
    expect(stored.secrets.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    expect(stored.secrets.refreshToken).not.toBe(runtimes[0]?.secrets.refreshToken);
    expect(await first.context.redis.exists(first.context.keys.lock(`oauth-refresh:${account.id}`))).toBe(0);
  });

  it('reads the token another instance refreshed instead of spending the rotated refresh token', async () => {
    const account = await oauthAccount(60_000);
    await messagesDelivered();
    const staleOnSecond = await runtimeOf(second, account.id);
    // The first instance's messages are late: the second's cache still holds the old runtime when it asks.
    const publish = vi.spyOn(first.bus, 'publish').mockResolvedValue();
    const refreshed = await first.oauthTokens.accessToken(await runtimeOf(first, account.id));
    expect(publish).toHaveBeenCalled();
    expect((await runtimeOf(second, account.id)).secrets.accessToken).toBe(account.accessToken);
    expect(await second.oauthTokens.accessToken(staleOnSecond)).toBe(refreshed);
    expect(fake.calls.refresh).toBe(1);
  });

  it('surfaces a rejected refresh as an auth failure of the account on every waiting instance', async () => {
    const account = await oauthAccount(60_000);
    const before = await runtimeOf(first, account.id);
    const gate = fake.holdRefreshes();
    fake.failNextRefresh('invalid_grant');
    const calls = [first, second].map(async (services) =>
      services.oauthTokens.accessToken(await runtimeOf(services, account.id)),
    );
    // Handlers go on both calls at once, at creation: awaited one after the other, the lock holder's call can
    // reject while the other is still awaited, and Node reports that rejection as unhandled.
    const settled = Promise.allSettled(calls);
    await gate.arrived;
    await expect
      .poll(() => first.oauthTokens.isWaiting(account.id) || second.oauthTokens.isWaiting(account.id))
      .toBe(true);
    gate.release();
    const rejected = {
      status: 'rejected',
      reason: {
        code: 'upstream_auth_failed',
        details: { accountId: account.id, reason: 'oauth_refresh_rejected' },
        message: expect.stringContaining('must be authorised again'),
      },
    };
    expect(await settled).toMatchObject([rejected, rejected]);
    expect(fake.calls.refresh).toBe(1);
    const after = await second.accounts.loadRuntime(account.id);
    expect(after?.secrets).toEqual(before.secrets);
  });

  it('reports a failing token endpoint as an upstream error, then refreshes on the next call', async () => {
    const account = await oauthAccount(60_000);
    const runtime = await runtimeOf(first, account.id);
    fake.failNextRefresh('server_error');
    await expect(first.oauthTokens.accessToken(runtime)).rejects.toMatchObject({
      code: 'upstream_error',
      retryable: true,
      details: { upstreamStatus: 500 },
    });
    // The lock was released: the next call (on either instance) may refresh at once.
    expect(await second.oauthTokens.accessToken(runtime)).toBe(fake.lastAccessToken);
    expect(fake.calls.refresh).toBe(2);
  });

  it('takes over when the lock holder crashed: its lock expires and another instance refreshes', async () => {
    const account = await oauthAccount(60_000);
    const lockKey = first.context.keys.lock(`oauth-refresh:${account.id}`);
    await first.context.redis.set(lockKey, 'crashed-instance', 'PX', 500);
    const tokens = new OAuthTokenManager(
      second.context,
      second.bus,
      second.accounts,
      new OAuthClients(oauthSettingsOf({ 'claude-oauth': fake.settings() })),
      { waitTimeoutMs: 50 },
    );
    const stop = await tokens.start();
    try {
      const pending = tokens.accessToken(await runtimeOf(second, account.id));
      // While the dead lock lasts, the instance waits rather than refreshing beside its holder.
      await expect.poll(() => tokens.isWaiting(account.id)).toBe(true);
      expect(fake.calls.refresh).toBe(0);
      const token = await pending;
      expect(token).toBe(fake.lastAccessToken);
      expect(token).not.toBe(account.accessToken);
      expect(fake.calls.refresh).toBe(1);
    } finally {
      await stop();
    }
  });
});
