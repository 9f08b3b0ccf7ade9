// Every root field of the GraphQL API against every role, over real HTTP: anonymous callers get nothing but
// login, viewers read but never mutate, members see only their own keys, operators manage the pool, admins
// also manage users; every mutation that succeeds leaves an audit entry naming its actor and target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { type FakeOAuth, startFakeOAuth } from '../support/fake-oauth.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import {
  ADMIN_PASSWORD,
  type Caller,
  errorOf,
  graphql,
  type SignedInUser,
  signedInUser,
  signIn,
} from '../support/graphql.js';
import { type Receiver, startReceiver } from '../support/notify-receiver.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';
import { gatewayOperations } from '../support/role-gateway.js';
import { mutationOperations } from '../support/role-mutations.js';
import { ACTORS, type Actor, type RoleFixture } from '../support/role-operations.js';
import { queryOperations } from '../support/role-queries.js';
import { settleInput } from '../support/settle-input.js';

describe('GraphQL roles', () => {
  let relay: TestRelay;
  let upstream: FakeUpstream;
  let oauth: FakeOAuth;
  /** Where the channels' test sends go. */
  let receiver: Receiver;
  const users: Partial<Record<Actor, SignedInUser>> = {};
  let bobKeyId: string;
  let counter = 0;
  const unique = (stem: string) => `${stem}-${++counter}`;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    oauth = await startFakeOAuth();
    receiver = await startReceiver();
    relay = await startTestRelay({
      env: {
        ...oauth.env(),
        MEMBER_MAX_KEYS: '50',
      },
    });
    const admin = await relay.server.services.users.findByUsername('admin');
    users.admin = { id: admin?.id ?? '', token: await signIn(relay, 'admin', ADMIN_PASSWORD) };
    users.operator = await signedInUser(relay, 'olga', 'operator');
    users.viewer = await signedInUser(relay, 'victor', 'viewer');
    users.member = await signedInUser(relay, 'alice', 'member');
    const bob = await signedInUser(relay, 'bob', 'member');
    bobKeyId = (await createKey(relay, { name: 'bob key', ownerId: bob.id })).key.id;
    const bodies = { requestId: 'req-bob-1', at: Date.now(), request: '{}', response: '{}' };
    await relay.server.services.settler.settle(
      settleInput('req-bob-1', {
        keyId: bobKeyId,
        userId: bob.id,
        bodies: { ...bodies, requestTruncated: false, responseTruncated: false },
      }),
    );
  });
  afterAll(async () => {
    await relay.stop();
    await upstream.close();
    await oauth.close();
    await receiver.close();
  });

  const callerOf = (actor: Actor): Caller =>
    actor === 'anonymous' ? undefined : { token: users[actor]?.token };
  const services = () => relay.server.services;
  const newAccount = async () =>
    (await createClaudeAccount(relay, upstream.url, { name: unique('acct') })).id;
  const newGroup = async () =>
    (await services().groups.create({ name: unique('group'), platform: 'claude' })).id;
  const newUser = async () =>
    (
      await services().users.create({
        username: unique('user'),
        password: 'a long enough password',
        role: 'viewer',
      })
    ).id;
  const newBobKey = async () => {
    const bob = await services().users.findByUsername('bob');
    return (await createKey(relay, { name: unique('key'), ownerId: bob?.id ?? '' })).key.id;
  };
  const newChannel = async () =>
    (
      await services().operator.channels.create({
        name: unique('channel'),
        kind: 'webhook',
        url: `${receiver.url}/hook`,
      })
    ).channel.id;
  const newAlertRule = async () =>
    (
      await services().operator.alertRules.create({
        name: unique('rule'),
        condition: { kind: 'error_rate', threshold: 0.5 },
      })
    ).id;
  const fixture: RoleFixture = {
    services,
    upstreamUrl: () => upstream.url,
    receiverUrl: () => receiver.url,
    authorize: (url) => oauth.authorize(url),
    bobKeyId: () => bobKeyId,
    unique,
    newAccount,
    newGroup,
    newUser,
    newBobKey,
    newChannel,
    newAlertRule,
  };
  // Every root field: the queries, then the mutations by domain.
  const operations = [
    ...queryOperations(fixture),
    ...mutationOperations(fixture),
    ...gatewayOperations(fixture),
  ];

  /** Fields this matrix leaves to other tests: sign-in itself (graphql-auth) and the key holder's view (usage). */
  const ELSEWHERE = ['login', 'refreshSession', 'logout', 'changePassword', 'myApiKey'];

  it('covers every query and mutation of the schema', () => {
    const fields = [
      ...Object.keys(schema.getQueryType()?.getFields() ?? {}),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
    ];
    expect(new Set([...operations.map((operation) => operation.field), ...ELSEWHERE])).toEqual(
      new Set(fields),
    );
  });

  it('gives anonymous callers nothing but login', async () => {
    for (const field of ['logout', 'changePassword', 'myApiKey']) {
      const document =
        field === 'changePassword'
          ? 'mutation { changePassword(currentPassword: "a", newPassword: "b") }'
          : field === 'logout'
            ? 'mutation { logout }'
            : '{ myApiKey { key { id } } }';
      expect(errorOf(await graphql(relay, undefined, document))?.extensions?.code, field).toBe(
        'UNAUTHENTICATED',
      );
    }
    const refresh = await graphql(
      relay,
      undefined,
      'mutation { refreshSession(refreshToken: "rt_nope") { accessToken } }',
    );
    expect(errorOf(refresh)?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  for (const actor of ACTORS) {
    it(`applies the ${actor} role to every field`, async () => {
      const outcomes: string[] = [];
      for (const operation of operations) {
        const variables = await operation.variables();
        const response = await graphql(relay, callerOf(actor), operation.document, variables);
        const error = errorOf(response);
        if (operation.allowed.includes(actor)) {
          outcomes.push(`${operation.field}: ${error ? `${error.extensions?.code} ${error.message}` : 'ok'}`);
          if (!error && operation.audit) {
            const target = operation.audit.target(variables, response.data);
            const entries = await services().audit.list({ action: operation.audit.action, target });
            if (entries.items[0]?.actor !== users[actor]?.id)
              outcomes.push(`${operation.field}: no audit entry`);
          }
          continue;
        }
        const expected =
          actor === 'anonymous'
            ? 'UNAUTHENTICATED'
            : actor === 'member'
              ? (operation.memberCode ?? 'PERMISSION_DENIED')
              : 'PERMISSION_DENIED';
        outcomes.push(`${operation.field}: ${error?.extensions?.code ?? 'allowed'}`);
        if (error?.extensions?.code === expected)
          outcomes[outcomes.length - 1] = `${operation.field}: refused`;
      }
      const expectedOutcomes = operations.map((operation) =>
        operation.allowed.includes(actor) ? `${operation.field}: ok` : `${operation.field}: refused`,
      );
      expect(outcomes).toEqual(expectedOutcomes);
    });
  }

  it('changes nothing when a refused caller tries', async () => {
    const id = await newAccount();
    const before = await services().accounts.require(id);
    await graphql(
      relay,
      callerOf('viewer'),
      'mutation ($id: ID!) { updateAccount(id: $id, input: { priority: 3 }) { id } }',
      { id },
    );
    await graphql(relay, callerOf('member'), 'mutation ($id: ID!) { deleteAccount(id: $id) }', { id });
    expect(await services().accounts.require(id)).toEqual(before);
    const audit = await services().audit.list({ target: id });
    expect(audit.items).toEqual([]);
  });
});
