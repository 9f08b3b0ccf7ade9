// Signed-in devices, spend limits and managed settings through the other control-plane surfaces: tRPC (typed
// client over HTTP) and the admin CLI (a child process acting as `cli:<os user>`), each change audited; and the
// verification page's per-address limit on tries (RFC 8628 §5.1).
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayTrpcClient, type RelayTrpcClient } from '../../clients/trpc.js';
import { VerifyLimiter } from '../../src/services/gateway/verify-limiter.js';
import { type CliFixture, createCliFixture, runCli, runCliJson } from '../support/cli.js';
import { pollToken, refreshTokens, startDeviceFlow } from '../support/gateway.js';
import { ADMIN_PASSWORD, USER_PASSWORD } from '../support/graphql.js';
import { type RelayWithAccount, startRelayWithAccount } from '../support/relay.js';
import { refusal } from '../support/trpc.js';

describe('gateway sign-in on tRPC', () => {
  let env: RelayWithAccount;
  let admin: RelayTrpcClient;
  let erin: RelayTrpcClient;
  let erinId: string;
  let erinToken: string;

  beforeAll(async () => {
    env = await startRelayWithAccount();
    const anonymous = createRelayTrpcClient(env.relay.url);
    const adminToken = (await anonymous.auth.login.mutate({ username: 'admin', password: ADMIN_PASSWORD }))
      .accessToken;
    admin = createRelayTrpcClient(env.relay.url, () => ({ authorization: `Bearer ${adminToken}` }));
    erinId = (await admin.users.create.mutate({ username: 'erin', password: USER_PASSWORD, role: 'member' }))
      .id;
    erinToken = (await anonymous.auth.login.mutate({ username: 'erin', password: USER_PASSWORD }))
      .accessToken;
    erin = createRelayTrpcClient(env.relay.url, () => ({ authorization: `Bearer ${erinToken}` }));
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('approves a sign-in, lists and revokes devices, and audits both', async () => {
    const authorization = await startDeviceFlow(env.relay);
    const pending = await erin.gateway.signIn.query({ userCode: authorization.user_code });
    expect(pending).toMatchObject({ userCode: authorization.user_code, surface: 'claude_code' });
    await erin.gateway.approve.mutate({ userCode: authorization.user_code });
    const tokens = await pollToken(env.relay, authorization.device_code);
    expect(tokens.status).toBe(200);
    const refreshToken = (JSON.parse(tokens.body) as { refresh_token: string }).refresh_token;

    const mine = await erin.gateway.devices.query({});
    expect(mine.items).toHaveLength(1);
    const everyone = await admin.gateway.devices.query({ userId: erinId });
    expect(everyone.items.map((device) => device.id)).toEqual(mine.items.map((device) => device.id));
    expect((await refusal(erin.gateway.devices.query({ userId: 'usr_someone_else' }))).code).toBe(
      'FORBIDDEN',
    );

    await admin.gateway.revokeDevice.mutate({ id: mine.items[0]?.id ?? '' });
    expect((await refreshTokens(env.relay, refreshToken)).status).toBe(401);
    const audit = await env.relay.server.services.audit.list({});
    const actions = audit.items.map((entry) => entry.action);
    expect(actions).toContain('gateway.approve');
    expect(actions).toContain('gateway.revoke_device');
  });

  it('sets spend limits and managed settings, members read only their own standing', async () => {
    const limit = await admin.spendLimits.set.mutate({
      scope: { type: 'user', userId: erinId },
      period: 'weekly',
      amountCents: 2_500,
    });
    expect(limit).toMatchObject({ period: 'weekly', amountCents: 2_500 });
    const standing = await erin.spendLimits.effective.query({});
    expect(standing.map((row) => [row.user.id, row.period, row.amountMicros])).toContainEqual([
      erinId,
      'weekly',
      25_000_000,
    ]);
    expect(new Set(standing.map((row) => row.user.id))).toEqual(new Set([erinId]));
    expect(
      (
        await refusal(
          erin.spendLimits.set.mutate({
            scope: { type: 'user', userId: erinId },
            period: 'daily',
            amountCents: 1,
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');

    await admin.managedSettings.set.mutate({
      scope: { type: 'user', userId: erinId },
      settings: { model: 'sonnet' },
    });
    const preview = await erin.managedSettings.preview.query({ userId: erinId });
    expect(preview?.settings).toEqual({ model: 'sonnet' });
    expect(
      (await refusal(erin.managedSettings.set.mutate({ scope: { type: 'all' }, settings: {} }))).code,
    ).toBe('FORBIDDEN');
  });
});

describe('gateway devices in the admin CLI', { timeout: 90_000 }, () => {
  let fixture: CliFixture;

  beforeAll(async () => {
    fixture = await createCliFixture();
  });
  afterAll(() => fixture.cleanup());

  it('lists and revokes a device, audited under the CLI’s name', async () => {
    const services = await fixture.servicesLikeCli();
    const user = await services.users.create({ username: 'frank', password: USER_PASSWORD, role: 'member' });
    const signIn = await services.gateway.authorize({
      surface: 'claude_code',
      userAgent: 'test',
      address: '::1',
    });
    await services.gateway.approve(user, signIn.userCode, undefined);
    const tokens = await services.gateway.exchangeDeviceCode(signIn.deviceCode);

    const listed = await runCliJson<{ items: { id: string; userId: string }[] }>(
      ['devices', 'list', '--user', 'frank', '--json'],
      fixture.env,
    );
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]?.userId).toBe(user.id);
    const deviceId = listed.items[0]?.id ?? '';

    const revoked = await runCli(['devices', 'revoke', deviceId], fixture.env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Signed out claude_code of ${user.id} (${deviceId})`);
    // The stored refresh token is spent for nothing now, and no token was printed.
    await expect(services.gateway.refresh(tokens.refreshToken)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect(revoked.stdout).not.toContain(tokens.refreshToken);
    const audit = await services.audit.list({ actor: `cli:${userInfo().username}` });
    expect(audit.items.map((entry) => [entry.action, entry.target])).toContainEqual([
      'gateway.revoke_device',
      deviceId,
    ]);

    const missing = await runCli(['devices', 'revoke', deviceId], fixture.env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/No such device/);
  });

  it('limits the verification page’s tries per address, an IPv6 /64 counting as one', async () => {
    const services = await fixture.servicesLikeCli();
    const limiter = new VerifyLimiter(services.context, { verifyAttempts: 3, verifyWindowMs: 60_000 });
    for (let attempt = 0; attempt < 3; attempt += 1) await limiter.take('2001:db8:1:2::10');
    await expect(limiter.take('2001:db8:1:2::99')).rejects.toMatchObject({ code: 'rate_limited' });
    const refused = await limiter.take('2001:db8:1:2::99').catch((error: unknown) => error);
    expect(refused).toMatchObject({ retryAfterSeconds: expect.any(Number) });
    // Another address is not held back.
    await expect(limiter.take('198.51.100.7')).resolves.toBeUndefined();
  });
});
