// What signed-in Claude Code asks the relay besides inference, and the caps on people: managed settings with
// their checksum, ETag and 304; the model list the bound key may use; OTLP telemetry (Claude Code's own
// captured exports, garbage refused without harm); and spend limits per user and per group set through the
// Admin-API-shaped endpoint with the official SDK, refusing the next request in Anthropic's shape.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerMessage, signInDevice } from '../support/gateway.js';
import {
  ADMIN_PASSWORD,
  dataOf,
  errorOf,
  graphql,
  type SignedInUser,
  signedInUser,
  signIn,
} from '../support/graphql.js';
import { rawRequest } from '../support/http.js';
import { createKey, type RelayWithAccount, startRelayWithAccount } from '../support/relay.js';

const FIXTURES = new URL('../fixtures/otlp/claude-code-2.1.332/', import.meta.url);
const EMPTY_CHECKSUM = `sha256:${createHash('sha256').update('{}').digest('hex')}`;

describe('gateway endpoints and spend limits', () => {
  let env: RelayWithAccount;
  let admin: { token: string };
  let alice: SignedInUser;
  let aliceToken: string;

  beforeAll(async () => {
    env = await startRelayWithAccount();
    admin = { token: await signIn(env.relay, 'admin', ADMIN_PASSWORD) };
    alice = await signedInUser(env.relay, 'alice', 'member');
    const key = await createKey(env.relay, {
      name: 'alice sonnet only',
      ownerId: alice.id,
      modelAllow: ['claude-sonnet-*'],
    });
    aliceToken = (await signInDevice(env.relay, alice, key.key.id)).access_token;
  });
  afterAll(async () => {
    await env?.stop();
  });

  const bearer = (token: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    ...extra,
  });
  const settings = (headers: Record<string, string> = {}) =>
    rawRequest(`${env.relay.url}/managed/settings`, { headers: bearer(aliceToken, headers) });
  const setPolicy = (scope: Record<string, unknown>, value: unknown) =>
    graphql(
      env.relay,
      admin,
      'mutation ($s: ManagedSettingsScopeInput!, $v: JSON!) { setManagedSettings(scope: $s, settings: $v) { updatedBy } }',
      { s: scope, v: value },
    );
  const ask = (token: string) =>
    new Anthropic({ apiKey: null, authToken: token, baseURL: env.relay.url, maxRetries: 0 }).messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });

  describe('managed settings', () => {
    it('is 404 while no policy applies, and 200 {} for an empty one', async () => {
      const none = await settings();
      expect(none.status).toBe(404);
      expect(JSON.parse(none.body)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });

      dataOf(await setPolicy({}, {}), 'setManagedSettings');
      const empty = await settings();
      expect(empty.status).toBe(200);
      const body = JSON.parse(empty.body) as { uuid: string; checksum: string; settings: unknown };
      expect(body.settings).toEqual({});
      expect(body.checksum).toBe(EMPTY_CHECKSUM);
      expect(body.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(empty.headers.etag).toBe(`"${EMPTY_CHECKSUM}"`);
    });

    it('merges everyone < role < group < user, with the checksum Claude Code computes, and answers 304', async () => {
      dataOf(
        await setPolicy({}, { permissions: { deny: ['WebFetch'] }, env: { A: '1' } }),
        'setManagedSettings',
      );
      dataOf(await setPolicy({ role: 'member' }, { env: { B: '2' } }), 'setManagedSettings');
      dataOf(
        await setPolicy({ group: 'platform' }, { env: { CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' } }),
        'setManagedSettings',
      );
      dataOf(
        await setPolicy({ userId: alice.id }, { permissions: { deny: ['Bash'] } }),
        'setManagedSettings',
      );
      const grouped = await graphql(
        env.relay,
        admin,
        'mutation ($id: ID!) { updateUser(id: $id, input: { groups: ["platform"] }) { groups } }',
        { id: alice.id },
      );
      expect(dataOf<{ groups: string[] }>(grouped, 'updateUser').groups).toEqual(['platform']);

      const answer = await settings();
      expect(answer.status).toBe(200);
      const body = JSON.parse(answer.body) as { checksum: string; settings: Record<string, unknown> };
      const expected = {
        env: { A: '1', B: '2', CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' },
        permissions: { deny: ['Bash'] },
      };
      expect(body.settings).toEqual(expected);
      // Keys sorted at every level, no whitespace: this literal is already in that order.
      const checksum = `sha256:${createHash('sha256').update(JSON.stringify(expected)).digest('hex')}`;
      expect(body.checksum).toBe(checksum);

      expect((await settings({ 'if-none-match': `"${checksum}"` })).status).toBe(304);
      expect((await settings({ 'if-none-match': `"${EMPTY_CHECKSUM}"` })).status).toBe(200);
      // `*` only asks whether there are settings: answered as without the header.
      expect((await settings({ 'if-none-match': '*' })).status).toBe(200);
    });

    it('lets only admins set policies, and reads them back', async () => {
      const refused = await graphql(
        env.relay,
        alice,
        'mutation { setManagedSettings(scope: {}, settings: {}) { updatedBy } }',
      );
      expect(errorOf(refused)?.extensions?.code).toBe('PERMISSION_DENIED');
      const listed = dataOf<{ scope: { type: string } }[]>(
        await graphql(env.relay, admin, '{ managedSettingsPolicies { scope { type } } }'),
        'managedSettingsPolicies',
      );
      expect(listed.map((policy) => policy.scope.type).sort()).toEqual(['all', 'group', 'role', 'user']);
      const notObject = await setPolicy({}, ['not', 'an', 'object']);
      expect(errorOf(notObject)?.extensions?.code).toBe('INVALID_REQUEST');
    });
  });

  it('lists the models the bound key may use, in Anthropic’s shape, to a bearer with no other header', async () => {
    const response = await rawRequest(`${env.relay.url}/v1/models?limit=1000`, {
      headers: bearer(aliceToken),
    });
    expect(response.status).toBe(200);
    const list = JSON.parse(response.body) as { data: { id: string; type: string }[] };
    expect(list.data.length).toBeGreaterThan(0);
    const outside = list.data
      .map((model) => `${model.type}:${model.id}`)
      .filter((entry) => !/^model:claude-sonnet-/.test(entry));
    expect(outside).toEqual([]);
  });

  describe('telemetry (OTLP/HTTP)', () => {
    it('takes Claude Code’s own exports in both encodings and keeps per-user counts', async () => {
      for (const [file, type] of [
        ['logs.pb', 'application/x-protobuf'],
        ['metrics.json', 'application/json'],
        ['traces.pb', 'application/x-protobuf'],
      ] as const) {
        const signal = file.split('.')[0];
        const response = await rawRequest(`${env.relay.url}/v1/${signal}`, {
          method: 'POST',
          headers: bearer(aliceToken, { 'content-type': type }),
          body: readFileSync(new URL(file, FIXTURES)),
        });
        expect(response.status, file).toBe(200);
        expect(response.headers['content-type'], file).toContain(type);
      }
      const zipped = await rawRequest(`${env.relay.url}/v1/logs`, {
        method: 'POST',
        headers: bearer(aliceToken, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
        body: gzipSync(readFileSync(new URL('logs.json', FIXTURES))),
      });
      expect(zipped.status).toBe(200);
      const counts = dataOf<{ sessions: number; records: number; events: { name: string; count: number }[] }>(
        await graphql(
          env.relay,
          alice,
          'query ($u: ID!) { gatewayTelemetry(userId: $u) { sessions records events { name count } } }',
          { u: alice.id },
        ),
        'gatewayTelemetry',
      );
      // The protobuf and the JSON captures come from two sessions of Claude Code.
      expect(counts.sessions).toBe(2);
      expect(counts.events).toContainEqual({ name: 'claude_code.user_prompt', count: 2 });
      expect(counts.records).toBeGreaterThan(0);
      const badDay = await graphql(
        env.relay,
        alice,
        'query ($u: ID!) { gatewayTelemetry(userId: $u, day: "*") { day } }',
        { u: alice.id },
      );
      expect(errorOf(badDay)?.extensions?.code).toBe('INVALID_REQUEST');
    });

    it('refuses garbage with a 400 in Anthropic’s shape and keeps serving', async () => {
      for (const [type, body] of [
        ['application/x-protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])],
        ['application/json', Buffer.from('{"resourceLogs": 5}')],
        ['application/json', Buffer.from('not json')],
        ['text/plain', Buffer.from('hello')],
      ] as const) {
        const response = await rawRequest(`${env.relay.url}/v1/logs`, {
          method: 'POST',
          headers: bearer(aliceToken, { 'content-type': type }),
          body,
        });
        expect(response.status, type).toBe(400);
        expect(JSON.parse(response.body)).toMatchObject({
          type: 'error',
          error: { type: 'invalid_request_error' },
        });
      }
      const unauthenticated = await rawRequest(`${env.relay.url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(unauthenticated.status).toBe(401);
      await expect(ask(aliceToken)).resolves.toMatchObject({ type: 'message' });
    });
  });

  describe('spend limits (Admin API shape, official SDK)', () => {
    const adminClient = () =>
      new Anthropic({ apiKey: null, authToken: admin.token, baseURL: env.relay.url, maxRetries: 0 });

    it('a user cap set through the endpoint refuses that user’s next request with 429 billing_error', async () => {
      await ask(aliceToken);
      const limit = await adminClient().beta.organization.spendLimits.set({
        amount: '0',
        period: 'daily',
        scope: { type: 'user', user_id: alice.id },
      });
      expect(limit).toMatchObject({ type: 'spend_limit', amount: '0', period: 'daily', currency: 'USD' });
      expect(limit.id).toMatch(/^spl_/);

      const refused = await bearerMessage(env.relay, aliceToken);
      expect(refused.status).toBe(429);
      expect(refused.headers['x-should-retry']).toBe('false');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers['anthropic-ratelimit-unified-status']).toBe('rejected');
      expect(refused.headers['anthropic-ratelimit-unified-overage-period']).toBe('daily');
      expect(refused.headers['anthropic-ratelimit-unified-representative-claim']).toBeUndefined();
      const error = JSON.parse(refused.body) as { error: { type: string; message: string } };
      expect(error.error.type).toBe('billing_error');
      expect(error.error.message).toMatch(/daily spend limit .* resets/);

      // Reading it back: the limit, and alice's standing against it.
      const listed = [];
      for await (const item of adminClient().beta.organization.spendLimits.list()) listed.push(item);
      expect(listed.map((item) => item.id)).toContain(limit.id);
      expect(await adminClient().beta.organization.spendLimits.retrieve(limit.id)).toMatchObject({
        id: limit.id,
      });
      const effective = [];
      for await (const row of adminClient().beta.organization.spendLimits.effective.list())
        effective.push(row);
      const mine = effective.find((row) => row.actor.type === 'user_actor' && row.actor.user_id === alice.id);
      expect(mine).toMatchObject({
        period: 'daily',
        amount: '0',
        source: { type: 'user', user_id: alice.id },
      });
      expect(Number(mine?.period_to_date_spend)).toBeGreaterThan(0);

      // The dollars Claude Code's /usage shows: the cap, the spend, when it resets.
      const usage = async () => {
        const response = await rawRequest(`${env.relay.url}/api/oauth/usage`, {
          headers: bearer(aliceToken),
        });
        expect(response.status, response.body).toBe(200);
        expect(response.headers['cache-control']).toBe('no-store');
        return JSON.parse(response.body) as {
          extra_usage: {
            monthly_limit: number | null;
            used_credits: number;
            daily?: { used_credits: number };
          };
          limits: { group: string; percent: number; is_active: boolean; resets_at: string }[];
        };
      };
      const capped = await usage();
      expect(capped.extra_usage.monthly_limit).toBe(0);
      expect(capped.limits).toEqual([
        expect.objectContaining({ group: 'daily', percent: 100, is_active: true }),
      ]);
      expect(Date.parse(capped.limits[0]?.resets_at ?? '')).toBeGreaterThan(Date.now());

      await adminClient().beta.organization.spendLimits.delete(limit.id);
      await expect(ask(aliceToken)).resolves.toMatchObject({ type: 'message' });
      const uncapped = await usage();
      expect(uncapped.limits).toEqual([]);
      expect(uncapped.extra_usage.monthly_limit).toBeNull();
      expect(uncapped.extra_usage.daily?.used_credits).toBeGreaterThanOrEqual(0);
    });

    it('a group’s cap holds its members across all their keys; a user override lifts it', async () => {
      const bob = await signedInUser(env.relay, 'bob', 'member');
      const bobKey = (await createKey(env.relay, { name: 'bob plain key', ownerId: bob.id })).plaintext;
      await graphql(
        env.relay,
        admin,
        'mutation ($id: ID!) { updateUser(id: $id, input: { groups: ["interns"] }) { id } }',
        {
          id: bob.id,
        },
      );
      const group = await adminClient().beta.organization.spendLimits.set({
        amount: '0',
        scope: { type: 'rbac_group', rbac_group_id: 'interns' } as never,
      });
      expect(group).toMatchObject({
        period: 'monthly',
        scope: { type: 'rbac_group', rbac_group_id: 'interns' },
      });
      const keyClient = new Anthropic({ apiKey: bobKey, baseURL: env.relay.url, maxRetries: 0 });
      const send = () =>
        keyClient.messages.create({
          model: 'claude-sonnet-4-5',
          max_tokens: 8,
          messages: [{ role: 'user', content: 'x' }],
        });
      await expect(send()).rejects.toMatchObject({ status: 429 });
      // An explicit "no cap" for bob this month replaces what his group sets.
      await adminClient().beta.organization.spendLimits.set({
        amount: null,
        period: 'monthly',
        scope: { type: 'user', user_id: bob.id },
      });
      await expect(send()).resolves.toMatchObject({ type: 'message' });
    });

    it('refuses members, bad bodies and unknown users in Anthropic’s shape', async () => {
      const member = new Anthropic({
        apiKey: null,
        authToken: alice.token,
        baseURL: env.relay.url,
        maxRetries: 0,
      });
      await expect(
        member.beta.organization.spendLimits.set({ amount: '1', scope: { type: 'user', user_id: alice.id } }),
      ).rejects.toMatchObject({ status: 403 });
      await expect(
        adminClient().beta.organization.spendLimits.set({
          amount: '1.5',
          scope: { type: 'user', user_id: alice.id },
        }),
      ).rejects.toMatchObject({ status: 400 });
      await expect(
        adminClient().beta.organization.spendLimits.set({
          amount: '1',
          scope: { type: 'user', user_id: 'usr_nobody' },
        }),
      ).rejects.toMatchObject({ status: 404 });
      const anonymous = await rawRequest(`${env.relay.url}/v1/organizations/spend_limits`);
      expect(anonymous.status).toBe(401);
      // A device token is not a control-plane session.
      const device = await rawRequest(`${env.relay.url}/v1/organizations/spend_limits`, {
        headers: bearer(aliceToken),
      });
      expect(device.status).toBe(401);
    });
  });
});
