// What the tRPC endpoint does with input it cannot use: every validation failure is a BAD_REQUEST naming the
// field (from the input schema or from the service), the transport's bounds (JSON, methods, batch size, body
// size) answer 4xx, and an unexpected failure is masked and logged, never leaked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayTrpcClient, type RelayTrpcClient } from '../../clients/trpc.js';
import { startTestRelay, type TestRelay } from '../support/relay.js';
import { refusal } from '../support/trpc.js';

const PRICES = { input: 1, output: 5, cacheRead: 0.1, cacheWrite5m: 1.25, cacheWrite1h: 2 };

interface ErrorBody {
  error?: { message?: string; data?: { code?: string; appCode?: string; httpStatus?: number } };
}

describe('tRPC input and transport errors', () => {
  let relay: TestRelay;
  let token = '';
  let admin: RelayTrpcClient;
  let anonymous: RelayTrpcClient;
  const post = (path: string, body: string) =>
    fetch(`${relay.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });

  beforeAll(async () => {
    relay = await startTestRelay();
    anonymous = createRelayTrpcClient(relay.url);
    admin = createRelayTrpcClient(relay.url, () => ({ authorization: `Bearer ${token}` }));
    token = (await anonymous.auth.login.mutate({ username: 'admin', password: 'test admin password' }))
      .accessToken;
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it('answers invalid input with BAD_REQUEST naming the field, never a 500', async () => {
    const now = Date.now();
    const range = { granularity: 'hour', from: now - 3_600_000, to: now } as const;
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['name', () => admin.apiKeys.create.mutate({ name: 'x'.repeat(101) })],
      ['limits.concurrency', () => admin.apiKeys.create.mutate({ name: 'n', limits: { concurrency: -1 } })],
      // @ts-expect-error an unknown platform is refused by the types too
      ['platforms.0', () => admin.apiKeys.create.mutate({ name: 'n', platforms: ['mars'] })],
      ['id', () => admin.apiKeys.get.query({ id: '' })],
      ['id', () => admin.apiKeys.rotate.mutate({ id: 'k'.repeat(101) })],
      ['ownerId', () => admin.apiKeys.list.query({ ownerId: 'u'.repeat(101) })],
      ['limit', () => admin.users.list.query({ limit: -1 })],
      ['limit', () => admin.apiKeys.list.query({ limit: 501 })],
      [
        'username',
        () =>
          admin.users.create.mutate({ username: 'a b', password: 'long enough password', role: 'viewer' }),
      ],
      [
        'password',
        () => admin.users.create.mutate({ username: 'shorty', password: 'short', role: 'viewer' }),
      ],
      [
        'role',
        // @ts-expect-error an unknown role is refused by the types too
        () => admin.users.create.mutate({ username: 'root', password: 'long enough password', role: 'root' }),
      ],
      // @ts-expect-error an unknown account type is refused by the types too
      ['type', () => admin.accounts.create.mutate({ type: 'mystery', name: 'x', credentials: {} })],
      [
        'baseUrl',
        () =>
          admin.accounts.create.mutate({
            type: 'claude-console',
            name: 'x',
            baseUrl: 'ftp://example.test',
            credentials: { apiKey: 'sk-ant-test' },
          }),
      ],
      ['limit', () => admin.accounts.history.query({ id: 'acc_x', limit: 0 })],
      ['limit', () => admin.accounts.connectionTests.query({ id: 'acc_x', limit: 21 })],
      ['reason', () => admin.accounts.disable.mutate({ id: 'acc_x', reason: 'r'.repeat(501) })],
      ['sessionId', () => admin.accounts.oauthExchange.mutate({ sessionId: 'not a session', code: 'c' })],
      // @ts-expect-error an unknown platform is refused by the types too
      ['platform', () => admin.groups.create.mutate({ name: 'g', platform: 'mars' })],
      ['accountIds', () => admin.groups.addMembers.mutate({ id: 'grp_x', accountIds: [] })],
      ['limit', () => admin.usage.top.query({ dimension: 'key', ...range, limit: 1000 })],
      // @ts-expect-error an unknown granularity is refused by the types too
      ['granularity', () => admin.usage.series.query({ dimension: 'global', ...range, granularity: 'week' })],
      ['from', () => admin.usage.series.query({ dimension: 'global', ...range, from: -1 })],
      ['first', () => admin.requestLog.list.query({ first: -5 })],
      // @ts-expect-error an unknown outcome is refused by the types too
      ['outcome', () => admin.requestLog.list.query({ outcome: 'maybe' })],
      ['cursor', () => admin.audit.list.query({ cursor: 'abc' })],
      ['prices.input', () => admin.pricing.set.mutate({ model: 'm', prices: { ...PRICES, input: -1 } })],
      ['model', () => admin.pricing.remove.mutate({ model: 'has spaces' })],
      ['username', () => anonymous.auth.login.mutate({ username: '', password: 'x' })],
      ['refreshToken', () => anonymous.auth.refresh.mutate({ refreshToken: 'r'.repeat(201) })],
      // Checked by the services rather than the input schemas: the same shape comes back.
      ['id', () => admin.usage.series.query({ dimension: 'key', ...range })],
      [
        'credentials.apiKey',
        () => admin.accounts.create.mutate({ type: 'claude-console', name: 'x', credentials: {} }),
      ],
    ];
    for (const [field, call] of cases) {
      const refused = await refusal(call());
      expect({ field: refused.field, code: refused.code, httpStatus: refused.httpStatus }).toEqual({
        field,
        code: 'BAD_REQUEST',
        httpStatus: 400,
      });
      expect(refused.appCode).toBe('INVALID_REQUEST');
      expect(refused.message).toContain(`${field}:`);
    }
  });

  it('refuses unparsable JSON, unknown procedures and wrong methods with 4xx', async () => {
    const broken = await post('apiKeys.create', '{"name":');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as ErrorBody).error?.data).toMatchObject({
      code: 'BAD_REQUEST',
      appCode: 'INVALID_JSON',
    });

    const unknown = await fetch(`${relay.url}/trpc/nothing.here`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error?.data).toMatchObject({ code: 'NOT_FOUND' });

    // Mutations only by POST: a link or an image tag cannot log anyone in or change anything.
    const byGet = await fetch(`${relay.url}/trpc/auth.logout`);
    expect(byGet.status).toBe(405);
    expect(((await byGet.json()) as ErrorBody).error?.data).toMatchObject({ code: 'METHOD_NOT_SUPPORTED' });
  });

  it('bounds batches at 20 calls and bodies at 1 MB; the typed client splits its batches to fit', async () => {
    const batch = (size: number) =>
      fetch(`${relay.url}/trpc/${Array.from({ length: size }, () => 'system.info').join(',')}?batch=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const twenty = await batch(20);
    expect(twenty.status).toBe(200);
    expect((await twenty.json()) as unknown[]).toHaveLength(20);
    const tooMany = await batch(21);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as ErrorBody).error?.data).toMatchObject({ code: 'BAD_REQUEST' });

    const infos = await Promise.all(Array.from({ length: 45 }, () => admin.system.info.query()));
    expect(new Set(infos.map((info) => info.name)).size).toBe(1);

    const huge = await post(
      'apiKeys.create',
      JSON.stringify({ name: 'big', description: 'x'.repeat(1_100_000) }),
    );
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as ErrorBody).error?.data).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      appCode: 'PAYLOAD_TOO_LARGE',
    });
    // Under the limit, the same kind of body reaches the service, which has its own bound for the field.
    const large = await refusal(
      admin.apiKeys.create.mutate({ name: 'big', description: 'x'.repeat(900_000) }),
    );
    expect(large).toMatchObject({ code: 'BAD_REQUEST', field: 'description' });
  });

  it('masks an unexpected failure, logs it with the request id, and keeps serving', async () => {
    const { services } = relay.server;
    const issued = await admin.apiKeys.create.mutate({ name: 'to be corrupted' });
    // A stored record that no longer parses is our fault, not the caller's: not a BAD_REQUEST.
    await services.context.redis.set(
      services.context.keys.apiKey(issued.key.id),
      JSON.stringify({ id: issued.key.id, secretish: 'do-not-leak' }),
    );
    const failed = await refusal(admin.apiKeys.get.query({ id: issued.key.id }));
    expect(failed).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      httpStatus: 500,
      appCode: 'INTERNAL',
      message: 'Internal server error',
      path: 'apiKeys.get',
    });
    expect(failed).not.toHaveProperty('field');
    expect(JSON.stringify(failed)).not.toMatch(/do-not-leak|hash|invalid_type|stack/i);
    const logged = relay.logs.find((line) => line.msg === 'unhandled tRPC error');
    expect(logged).toMatchObject({ requestId: failed.requestId, path: 'apiKeys.get' });
    expect(failed.requestId).toMatch(/^req_/);

    expect((await admin.system.status.query()).counts.apiKeys).toBeGreaterThanOrEqual(1);
  });
});
