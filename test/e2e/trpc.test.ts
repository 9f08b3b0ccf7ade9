// The tRPC control plane over real HTTP through the typed client, for each role: who may read and change what
// in every mutation family, that members see only their own keys and usage, that anonymous callers get in
// nowhere but sign-in, and that every change leaves an audit entry.
import type { AnyTRPCProcedure } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayTrpcClient, type RelayTrpcClient } from '../../clients/trpc.js';
import { AppError } from '../../src/errors/app-error.js';
import { DEFAULT_LOGIN_LIMITS } from '../../src/services/auth/login-limiter.js';
import { createTrpcContext } from '../../src/trpc/context.js';
import { appRouter, createCaller } from '../../src/trpc/router.js';
import { type FakeOAuth, startFakeOAuth } from '../support/fake-oauth.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { startTestRelay, type TestRelay } from '../support/relay.js';
import { refusal } from '../support/trpc.js';

const ADMIN_PASSWORD = 'test admin password';
const PASSWORD = 'a long enough password';
const UPSTREAM_KEY = 'sk-ant-test';
const PRICES = { input: 1, output: 5, cacheRead: 0.1, cacheWrite5m: 1.25, cacheWrite1h: 2 };
/** Well-formed, but no session ever had it. */
const UNKNOWN_SESSION = `oauth_${'a'.repeat(22)}`;

type Name = 'admin' | 'operator' | 'viewer' | 'alice' | 'bob';

describe('tRPC control plane', () => {
  let upstream: FakeUpstream;
  let oauth: FakeOAuth;
  let relay: TestRelay;
  const tokens: Partial<Record<Name, string>> = {};
  const ids: Partial<Record<Name, string>> = {};
  const clients = {} as Record<Name, RelayTrpcClient>;
  let anonymous: RelayTrpcClient;
  /** Records made directly through the services, for the refusal tables to aim at. */
  const fixture = { accountId: '', groupId: '', keyId: '' };

  const idOf = (name: Name): string => {
    const id = ids[name];
    if (!id) throw new Error(`no user ${name}`);
    return id;
  };
  const signedInAs = (token: () => string | undefined) =>
    createRelayTrpcClient(relay.url, (): Record<string, string> => {
      const value = token();
      return value ? { authorization: `Bearer ${value}` } : {};
    });
  /** Actions on a target, newest first, as the admin reads them in the audit log. */
  const actionsOn = async (target: string) =>
    (await clients.admin.audit.list.query({ target, limit: 100 })).items.map((entry) => entry.action);

  beforeAll(async () => {
    upstream = await startFakeUpstream({ apiKey: UPSTREAM_KEY });
    oauth = await startFakeOAuth();
    relay = await startTestRelay({
      env: {
        ...oauth.env(),
      },
    });
    anonymous = createRelayTrpcClient(relay.url);
    for (const name of ['admin', 'operator', 'viewer', 'alice', 'bob'] as const) {
      clients[name] = signedInAs(() => tokens[name]);
    }
    const admin = await anonymous.auth.login.mutate({ username: 'admin', password: ADMIN_PASSWORD });
    tokens.admin = admin.accessToken;
    ids.admin = admin.user.id;
    const roles = { operator: 'operator', viewer: 'viewer', alice: 'member', bob: 'member' } as const;
    for (const [name, role] of Object.entries(roles) as Array<[Name, (typeof roles)[keyof typeof roles]]>) {
      ids[name] = (await clients.admin.users.create.mutate({ username: name, password: PASSWORD, role })).id;
      tokens[name] = (await anonymous.auth.login.mutate({ username: name, password: PASSWORD })).accessToken;
    }

    const { services } = relay.server;
    fixture.accountId = (
      await services.accounts.create({
        type: 'claude-console',
        name: 'fixture',
        baseUrl: upstream.url,
        credentials: { apiKey: UPSTREAM_KEY },
      })
    ).id;
    fixture.groupId = (await services.groups.create({ name: 'fixture', platform: 'claude' })).id;
    fixture.keyId = (
      await services.apiKeys.create({ name: 'operators key', ownerId: idOf('operator') })
    ).key.id;
    await services.pricing.setOverride('fixture-model', PRICES);
  });
  afterAll(async () => {
    await relay?.stop();
    await oauth?.close();
    await upstream?.close();
  });

  it('signs users in and tells each who they are; the admin created them, audited', async () => {
    for (const name of ['admin', 'operator', 'viewer', 'alice'] as const) {
      expect(await clients[name].me.user.query()).toMatchObject({ id: idOf(name), username: name });
    }
    expect(await clients.viewer.system.info.query()).toMatchObject({ name: expect.any(String) });
    expect((await refusal(anonymous.system.info.query())).code).toBe('UNAUTHORIZED');
    const wrong = await refusal(
      anonymous.auth.login.mutate({ username: 'admin', password: 'not it at all' }),
    );
    expect(wrong).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, appCode: 'UNAUTHENTICATED' });
    for (const name of ['operator', 'viewer', 'alice', 'bob'] as const) {
      const [created] = (await clients.admin.audit.list.query({ action: 'user.create', target: idOf(name) }))
        .items;
      expect(created).toMatchObject({ actor: idOf('admin'), target: idOf(name) });
    }
    expect(await actionsOn(idOf('admin'))).toContain('auth.login');
  });

  it('answers UNAUTHORIZED on every procedure but sign-in to callers without a valid session', async () => {
    const open = new Set(['auth.login', 'auth.refresh']);
    // At run time the router keeps every procedure under its dotted path; its type shows the nesting instead.
    const all = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
    const procedures = Object.entries(all).filter(([path]) => !open.has(path));
    expect(procedures.length).toBeGreaterThan(40);
    for (const authorization of [undefined, 'Bearer not-a-token']) {
      for (const [path, procedure] of procedures) {
        const query = procedure._def.type === 'query';
        const response = await fetch(`${relay.url}/trpc/${path}`, {
          method: query ? 'GET' : 'POST',
          headers: {
            ...(authorization ? { authorization } : {}),
            ...(query ? {} : { 'content-type': 'application/json' }),
          },
          ...(query ? {} : { body: '{}' }),
        });
        const body = (await response.json()) as { error?: { data?: { code?: string } } };
        expect({ path, status: response.status, code: body.error?.data?.code }).toEqual({
          path,
          status: 401,
          code: 'UNAUTHORIZED',
        });
      }
    }
    // The typed client sees the same, with the session's own reason.
    const ended = signedInAs(() => 'Bearer-less garbage');
    expect(await refusal(ended.apiKeys.list.query())).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  /** Every change outside the caller's own keys, with inputs that would pass validation. */
  const managerOnly = (client: RelayTrpcClient): Array<[string, () => Promise<unknown>]> => [
    [
      'users.create',
      () => client.users.create.mutate({ username: 'eve', password: PASSWORD, role: 'admin' }),
    ],
    ['users.update', () => client.users.update.mutate({ id: idOf('bob'), role: 'admin' })],
    [
      'accounts.create',
      () =>
        client.accounts.create.mutate({
          type: 'claude-console',
          name: 'sneaky',
          baseUrl: upstream.url,
          credentials: { apiKey: UPSTREAM_KEY },
        }),
    ],
    ['accounts.update', () => client.accounts.update.mutate({ id: fixture.accountId, name: 'renamed' })],
    ['accounts.enable', () => client.accounts.enable.mutate({ id: fixture.accountId })],
    ['accounts.disable', () => client.accounts.disable.mutate({ id: fixture.accountId })],
    ['accounts.reset', () => client.accounts.reset.mutate({ id: fixture.accountId })],
    ['accounts.test', () => client.accounts.test.mutate({ id: fixture.accountId })],
    ['accounts.delete', () => client.accounts.delete.mutate({ id: fixture.accountId })],
    ['accounts.oauthStart', () => client.accounts.oauthStart.mutate({ name: 'sneaky' })],
    [
      'accounts.oauthExchange',
      () => client.accounts.oauthExchange.mutate({ sessionId: UNKNOWN_SESSION, code: 'code#state' }),
    ],
    [
      'accounts.oauthReauthorize',
      () =>
        client.accounts.oauthReauthorize.mutate({
          accountId: fixture.accountId,
          sessionId: UNKNOWN_SESSION,
          code: 'code#state',
        }),
    ],
    ['groups.create', () => client.groups.create.mutate({ name: 'sneaky', platform: 'claude' })],
    ['groups.update', () => client.groups.update.mutate({ id: fixture.groupId, name: 'renamed' })],
    [
      'groups.addMembers',
      () => client.groups.addMembers.mutate({ id: fixture.groupId, accountIds: [fixture.accountId] }),
    ],
    [
      'groups.removeMembers',
      () => client.groups.removeMembers.mutate({ id: fixture.groupId, accountIds: [fixture.accountId] }),
    ],
    ['groups.delete', () => client.groups.delete.mutate({ id: fixture.groupId })],
    ['pricing.set', () => client.pricing.set.mutate({ model: 'fixture-model', prices: PRICES })],
    ['pricing.remove', () => client.pricing.remove.mutate({ model: 'fixture-model' })],
    ['audit.list', () => client.audit.list.query()],
  ];
  const codesOf = async (calls: Array<[string, () => Promise<unknown>]>) =>
    Object.fromEntries(
      await Promise.all(calls.map(async ([path, call]) => [path, (await refusal(call())).code] as const)),
    );

  it('refuses viewers every change, in every family, while they read the pool', async () => {
    const viewer = clients.viewer;
    const refused = await codesOf([
      ...managerOnly(viewer),
      ['apiKeys.create', () => viewer.apiKeys.create.mutate({ name: 'mine' })],
      ['apiKeys.update', () => viewer.apiKeys.update.mutate({ id: fixture.keyId, name: 'mine' })],
      ['apiKeys.rotate', () => viewer.apiKeys.rotate.mutate({ id: fixture.keyId })],
      ['apiKeys.delete', () => viewer.apiKeys.delete.mutate({ id: fixture.keyId })],
    ]);
    expect(Object.values(refused)).toHaveLength(24);
    for (const [path, code] of Object.entries(refused))
      expect({ path, code }).toEqual({ path, code: 'FORBIDDEN' });

    expect((await viewer.accounts.list.query()).items.map((account) => account.id)).toContain(
      fixture.accountId,
    );
    expect((await viewer.groups.get.query({ id: fixture.groupId })).name).toBe('fixture');
    expect((await viewer.pricing.list.query()).map((price) => price.model)).toContain('fixture-model');
    expect((await viewer.apiKeys.get.query({ id: fixture.keyId })).name).toBe('operators key');
    expect((await viewer.system.status.query()).counts.accounts).toBeGreaterThanOrEqual(1);
    // Nothing the viewer tried left a trace of having happened.
    expect(await actionsOn(fixture.accountId)).toEqual([]);
    expect(await actionsOn(fixture.keyId)).toEqual([]);
  });

  it('refuses operators user management and the audit log, which are the admins’', async () => {
    const refused = await codesOf(
      managerOnly(clients.operator).filter(
        ([path]) => path.startsWith('users.') || path.startsWith('audit.'),
      ),
    );
    expect(refused).toEqual({
      'users.create': 'FORBIDDEN',
      'users.update': 'FORBIDDEN',
      'audit.list': 'FORBIDDEN',
    });
  });

  it('lets operators change keys, accounts, groups and prices, auditing every change', async () => {
    const operator = clients.operator;
    const byOperator = async (target: string) => {
      const { items } = await clients.admin.audit.list.query({ target });
      expect(items.every((entry) => entry.actor === idOf('operator'))).toBe(true);
      return items.map((entry) => entry.action);
    };

    const issued = await operator.apiKeys.create.mutate({
      name: 'team',
      limits: { concurrency: 5 },
      modelMapping: { 'claude-sonnet-4-5': 'gemini-2.5-pro' },
    });
    expect(issued.plaintext).toMatch(/^cr_/);
    expect(issued.key).not.toHaveProperty('hash');
    expect(issued.key.modelMapping).toEqual({ 'claude-sonnet-4-5': 'gemini-2.5-pro' });
    const keyId = issued.key.id;
    const updated = await operator.apiKeys.update.mutate({
      id: keyId,
      name: 'team renamed',
      tags: ['ops'],
      modelMapping: { 'claude-haiku-4-5': 'claude-sonnet-4-5' },
    });
    expect(updated.tags).toEqual(['ops']);
    expect(updated.modelMapping).toEqual({ 'claude-haiku-4-5': 'claude-sonnet-4-5' });
    expect((await operator.apiKeys.get.query({ id: keyId })).modelMapping).toEqual(updated.modelMapping);
    // The service's schema checks the mapping at the edge, naming the field; nothing is written or audited.
    expect(
      await refusal(operator.apiKeys.update.mutate({ id: keyId, modelMapping: { 'claude-haiku-4-5': '' } })),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'modelMapping.claude-haiku-4-5' });
    expect((await operator.apiKeys.rotate.mutate({ id: keyId })).plaintext).not.toBe(issued.plaintext);
    expect(await operator.apiKeys.delete.mutate({ id: keyId })).toBe(true);
    expect(await refusal(operator.apiKeys.get.query({ id: keyId }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await byOperator(keyId)).toEqual([
      'api_key.delete',
      'api_key.rotate',
      'api_key.update',
      'api_key.create',
    ]);

    const account = await operator.accounts.create.mutate({
      type: 'claude-console',
      name: 'console',
      baseUrl: `${upstream.url}/`,
      credentials: { apiKey: UPSTREAM_KEY },
    });
    expect(account).toMatchObject({ type: 'claude-console', platform: 'claude', baseUrl: upstream.url });
    expect(JSON.stringify(account)).not.toContain(UPSTREAM_KEY);
    expect((await operator.accounts.update.mutate({ id: account.id, priority: 10 })).priority).toBe(10);
    const disabled = await operator.accounts.disable.mutate({ id: account.id, reason: 'maintenance' });
    expect(disabled.state).toMatchObject({ kind: 'disabled', reason: 'maintenance' });
    expect((await operator.accounts.enable.mutate({ id: account.id })).state).toEqual({ kind: 'active' });
    expect((await operator.accounts.reset.mutate({ id: account.id })).kind).toBe('active');
    const tested = await operator.accounts.test.mutate({ id: account.id });
    expect(tested).toMatchObject({ accountId: account.id, ok: true, status: 200 });
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(UPSTREAM_KEY);
    expect(await clients.viewer.accounts.connectionTests.query({ id: account.id })).toEqual([tested]);
    expect((await clients.viewer.accounts.state.query({ id: account.id })).kind).toBe('active');
    expect(Array.isArray(await clients.viewer.accounts.history.query({ id: account.id, limit: 5 }))).toBe(
      true,
    );
    expect(await operator.accounts.delete.mutate({ id: account.id })).toBe(true);
    expect(await byOperator(account.id)).toEqual([
      'account.delete',
      'account.test',
      'account.reset',
      'account.enable',
      'account.disable',
      'account.update',
      'account.create',
    ]);

    const group = await operator.groups.create.mutate({ name: 'pool', platform: 'claude' });
    await operator.groups.update.mutate({ id: group.id, description: 'the team pool' });
    const grown = await operator.groups.addMembers.mutate({ id: group.id, accountIds: [fixture.accountId] });
    expect(grown.memberIds).toEqual([fixture.accountId]);
    const shrunk = await operator.groups.removeMembers.mutate({
      id: group.id,
      accountIds: [fixture.accountId],
    });
    expect(shrunk.memberIds).toEqual([]);
    expect(await operator.groups.delete.mutate({ id: group.id })).toBe(true);
    expect(await byOperator(group.id)).toEqual([
      'group.delete',
      'group.remove_members',
      'group.add_members',
      'group.update',
      'group.create',
    ]);

    expect((await operator.pricing.set.mutate({ model: 'team-model', prices: PRICES })).model).toBe(
      'team-model',
    );
    expect(await operator.pricing.remove.mutate({ model: 'team-model' })).toBe(true);
    expect(await refusal(operator.pricing.remove.mutate({ model: 'team-model' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await byOperator('team-model')).toEqual(['pricing.remove', 'pricing.set']);
  });

  it('adds and re-authorises claude-oauth accounts through the PKCE flow, audited', async () => {
    const operator = clients.operator;
    const started = await operator.accounts.oauthStart.mutate({ name: 'subscription' });
    const created = await operator.accounts.oauthExchange.mutate({
      sessionId: started.sessionId,
      code: oauth.authorize(started.authorizationUrl),
      account: { baseUrl: upstream.url, schedulable: false },
    });
    expect(created).toMatchObject({ type: 'claude-oauth', name: 'subscription', schedulable: false });
    // A session is used up by its exchange.
    const reused = await refusal(
      operator.accounts.oauthExchange.mutate({ sessionId: started.sessionId, code: 'code#state' }),
    );
    expect(reused).toMatchObject({ code: 'BAD_REQUEST', field: 'sessionId' });

    const again = await operator.accounts.oauthStart.mutate({ accountId: created.id });
    const reauthorized = await operator.accounts.oauthReauthorize.mutate({
      accountId: created.id,
      sessionId: again.sessionId,
      code: oauth.authorize(again.authorizationUrl),
    });
    expect(reauthorized.id).toBe(created.id);
    await operator.accounts.delete.mutate({ id: created.id });
    expect(await actionsOn(created.id)).toEqual([
      'account.delete',
      'account.oauth_reauthorize',
      'account.oauth_start',
      'account.oauth_exchange',
    ]);
    expect(await actionsOn(started.sessionId)).toEqual(['account.oauth_start']);
  });

  it('lets admins manage users, audited, and never lock themselves out', async () => {
    const admin = clients.admin;
    const carol = await admin.users.create.mutate({ username: 'carol', password: PASSWORD, role: 'viewer' });
    expect(carol).not.toHaveProperty('passwordHash');
    expect((await admin.users.update.mutate({ id: carol.id, role: 'operator' })).role).toBe('operator');
    expect((await admin.users.list.query({ limit: 500 })).items.map((user) => user.username)).toContain(
      'carol',
    );
    expect(await actionsOn(carol.id)).toEqual(['user.update', 'user.create']);
    const self = await refusal(admin.users.update.mutate({ id: idOf('admin'), role: 'viewer' }));
    expect(self).toMatchObject({ code: 'CONFLICT', appCode: 'CONFLICT', field: 'role' });
    const taken = await refusal(
      admin.users.create.mutate({ username: 'carol', password: PASSWORD, role: 'viewer' }),
    );
    expect(taken.code).toBe('CONFLICT');
    // Others read only themselves.
    expect((await clients.viewer.users.get.query({ id: idOf('viewer') })).role).toBe('viewer');
    expect((await refusal(clients.viewer.users.get.query({ id: carol.id }))).code).toBe('FORBIDDEN');
    expect((await refusal(clients.operator.users.list.query())).code).toBe('FORBIDDEN');
  });

  it('gives members their own keys and usage only, and nothing of the pool', async () => {
    const { alice, bob } = clients;
    const mine = await alice.apiKeys.create.mutate({ name: 'alice laptop', tags: ['laptop'] });
    expect(mine.key.ownerId).toBe(idOf('alice'));
    const limited = await refusal(
      alice.apiKeys.create.mutate({ name: 'more', limits: { concurrency: 100 } }),
    );
    expect(limited).toMatchObject({ code: 'FORBIDDEN', field: 'limits' });
    const mapped = await refusal(
      alice.apiKeys.create.mutate({ name: 'more', modelMapping: { 'claude-haiku-4-5': 'claude-opus-4-1' } }),
    );
    expect(mapped).toMatchObject({ code: 'FORBIDDEN', field: 'modelMapping' });
    const aliceKey = mine.key.id;
    const now = Date.now();
    const range = { granularity: 'hour', from: now - 3_600_000, to: now } as const;

    // Bob sees Alice's key, its limits and its usage as missing, and cannot touch it.
    const hidden = await codesOf([
      ['apiKeys.get', () => bob.apiKeys.get.query({ id: aliceKey })],
      ['apiKeys.update', () => bob.apiKeys.update.mutate({ id: aliceKey, name: 'mine now' })],
      ['apiKeys.rotate', () => bob.apiKeys.rotate.mutate({ id: aliceKey })],
      ['apiKeys.delete', () => bob.apiKeys.delete.mutate({ id: aliceKey })],
      ['usage.keyLimits', () => bob.usage.keyLimits.query({ keyId: aliceKey })],
      ['usage.series', () => bob.usage.series.query({ dimension: 'key', id: aliceKey, ...range })],
      ['requestLog.list', () => bob.requestLog.list.query({ keyId: aliceKey })],
      ['apiKeys.update (operator’s)', () => bob.apiKeys.update.mutate({ id: fixture.keyId, name: 'x' })],
    ]);
    for (const [path, code] of Object.entries(hidden))
      expect({ path, code }).toEqual({ path, code: 'NOT_FOUND' });
    expect((await bob.apiKeys.list.query({ ownerId: idOf('alice') })).items).toEqual([]);
    expect((await bob.requestLog.list.query()).items).toEqual([]);
    expect(await bob.usage.top.query({ dimension: 'key', ...range })).toEqual([]);

    // Members have no business with the pool, other users or the system.
    const refused = await codesOf([
      ...managerOnly(bob),
      ['accounts.list', () => bob.accounts.list.query()],
      ['groups.list', () => bob.groups.list.query()],
      ['pricing.list', () => bob.pricing.list.query()],
      ['system.status', () => bob.system.status.query()],
      ['users.get', () => bob.users.get.query({ id: idOf('alice') })],
      ['usage.series', () => bob.usage.series.query({ dimension: 'global', ...range })],
      ['usage.top', () => bob.usage.top.query({ dimension: 'account', ...range })],
    ]);
    for (const [path, code] of Object.entries(refused))
      expect({ path, code }).toEqual({ path, code: 'FORBIDDEN' });

    // Alice reads her own.
    expect((await alice.usage.keyLimits.query({ keyId: aliceKey })).keyId).toBe(aliceKey);
    expect(
      (await alice.usage.series.query({ dimension: 'key', id: aliceKey, ...range })).totals.requests,
    ).toBe(0);
    expect((await alice.apiKeys.list.query()).items.map((key) => key.id)).toEqual([aliceKey]);
    await alice.apiKeys.update.mutate({ id: aliceKey, enabled: false });
    expect(await actionsOn(aliceKey)).toEqual(['api_key.update', 'api_key.create']);
  });

  it('rotates refresh tokens, ends sessions on logout and password change, and audits them', async () => {
    const dave = await clients.admin.users.create.mutate({
      username: 'dave',
      password: PASSWORD,
      role: 'viewer',
    });
    let token: string | undefined;
    const client = signedInAs(() => token);
    const first = await anonymous.auth.login.mutate({ username: 'dave', password: PASSWORD });
    const renewed = await anonymous.auth.refresh.mutate({ refreshToken: first.refreshToken });
    expect(renewed.refreshToken).not.toBe(first.refreshToken);
    // Presenting a used refresh token ends the whole session.
    expect((await refusal(anonymous.auth.refresh.mutate({ refreshToken: first.refreshToken }))).code).toBe(
      'UNAUTHORIZED',
    );
    expect((await refusal(anonymous.auth.refresh.mutate({ refreshToken: renewed.refreshToken }))).code).toBe(
      'UNAUTHORIZED',
    );

    token = (await anonymous.auth.login.mutate({ username: 'dave', password: PASSWORD })).accessToken;
    expect(await client.auth.logout.mutate()).toBe(true);
    expect((await refusal(client.me.user.query())).code).toBe('UNAUTHORIZED');

    token = (await anonymous.auth.login.mutate({ username: 'dave', password: PASSWORD })).accessToken;
    const wrong = await refusal(
      client.auth.changePassword.mutate({ currentPassword: 'nope', newPassword: 'x'.repeat(20) }),
    );
    expect(wrong).toMatchObject({ code: 'UNAUTHORIZED', field: 'currentPassword' });
    const short = await refusal(
      client.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'short' }),
    );
    expect(short).toMatchObject({ code: 'BAD_REQUEST', field: 'newPassword' });
    const next = 'another long enough password';
    expect(await client.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: next })).toBe(
      true,
    );
    expect((await refusal(client.me.user.query())).code).toBe('UNAUTHORIZED');
    token = (await anonymous.auth.login.mutate({ username: 'dave', password: next })).accessToken;
    expect((await client.me.user.query()).id).toBe(dave.id);

    const { items } = await clients.admin.audit.list.query({ actor: dave.id, limit: 20 });
    expect(items.map((entry) => entry.action)).toEqual([
      'auth.login',
      'user.change_password',
      'auth.login',
      'auth.logout',
      'auth.login',
      'auth.refresh',
      'auth.login',
    ]);
  });

  it('limits repeated failed logins with TOO_MANY_REQUESTS and a retry time', async () => {
    for (let attempt = 0; attempt < DEFAULT_LOGIN_LIMITS.freeAttempts; attempt += 1) {
      const failed = await refusal(anonymous.auth.login.mutate({ username: 'mallory', password: 'guess' }));
      expect(failed.code).toBe('UNAUTHORIZED');
    }
    const limited = await refusal(anonymous.auth.login.mutate({ username: 'mallory', password: 'guess' }));
    expect(limited).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429, appCode: 'RATE_LIMITED' });
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('runs in-process through createCaller with a context built from plain values', async () => {
    const base = { services: relay.server.services, requestId: 'req_in_process', address: '127.0.0.1' };
    const admin = createCaller(await createTrpcContext({ ...base, authorization: `Bearer ${tokens.admin}` }));
    expect((await admin.users.list({ limit: 500 })).items.map((user) => user.id)).toContain(idOf('viewer'));
    const nobody = createCaller(await createTrpcContext(base));
    const refused = await nobody.users.list().catch((error: unknown) => error);
    // The same codes as over HTTP, with the service's AppError as the cause.
    expect(refused).toMatchObject({ code: 'UNAUTHORIZED', cause: expect.any(AppError) });
    expect((refused as { cause: AppError }).cause.code).toBe('unauthenticated');
    const viewer = createCaller(
      await createTrpcContext({ ...base, authorization: `Bearer ${tokens.viewer}` }),
    );
    expect(
      await viewer.users
        .create({ username: 'zed', password: PASSWORD, role: 'admin' })
        .catch((error) => error),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await viewer.users.list({ limit: -1 }).catch((error) => error)).toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
