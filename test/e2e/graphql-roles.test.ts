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
import { settleInput } from '../support/settle-input.js';

type Actor = 'anonymous' | 'viewer' | 'member' | 'operator' | 'admin';
const ACTORS: readonly Actor[] = ['anonymous', 'viewer', 'member', 'operator', 'admin'];
const SIGNED_IN: readonly Actor[] = ['viewer', 'member', 'operator', 'admin'];
const READERS: readonly Actor[] = ['viewer', 'operator', 'admin'];
const MANAGERS: readonly Actor[] = ['operator', 'admin'];

interface Operation {
  field: string;
  document: string;
  /** Fresh variables for one attempt (a delete needs a new thing to delete each time). */
  variables: () => Promise<Record<string, unknown>>;
  allowed: readonly Actor[];
  /** What a member who is refused sees: others' keys are NOT_FOUND, the rest PERMISSION_DENIED. */
  memberCode?: string;
  /** The audit action a successful mutation records, and where its target id is found. */
  audit?: { action: string; target: (variables: Record<string, unknown>, data: unknown) => string };
}

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
  const range = {
    granularity: 'hour',
    from: new Date(Date.now() - 3_600_000).toISOString(),
    to: new Date().toISOString(),
  };
  const byId = (variables: Record<string, unknown>) => String(variables.id);
  const created =
    (field: string, path: (value: Record<string, unknown>) => unknown) => (_v: unknown, data: unknown) =>
      String(path((data as Record<string, Record<string, unknown>>)[field] ?? {}));

  const operations: Operation[] = [
    // Queries.
    { field: 'me', document: '{ me { id } }', variables: async () => ({}), allowed: SIGNED_IN },
    {
      field: 'serverInfo',
      document: '{ serverInfo { version } }',
      variables: async () => ({}),
      allowed: SIGNED_IN,
    },
    {
      field: 'users',
      document: '{ users { nodes { id } } }',
      variables: async () => ({}),
      allowed: ['admin'],
    },
    {
      field: 'user',
      document: 'query ($id: ID!) { user(id: $id) { id } }',
      variables: async () => ({ id: await newUser() }),
      allowed: ['admin'],
    },
    {
      field: 'apiKeys',
      document: '{ apiKeys { nodes { id } } }',
      variables: async () => ({}),
      allowed: SIGNED_IN,
    },
    {
      field: 'apiKey',
      document: 'query ($id: ID!) { apiKey(id: $id) { id } }',
      variables: async () => ({ id: bobKeyId }),
      allowed: READERS,
      memberCode: 'NOT_FOUND',
    },
    {
      field: 'apiKeyLimits',
      document: 'query ($id: ID!) { apiKeyLimits(id: $id) { keyId } }',
      variables: async () => ({ id: bobKeyId }),
      allowed: READERS,
      memberCode: 'NOT_FOUND',
    },
    {
      field: 'accounts',
      document: '{ accounts { nodes { id live { kind } } } }',
      variables: async () => ({}),
      allowed: READERS,
    },
    {
      field: 'account',
      document: 'query ($id: ID!) { account(id: $id) { id history { to } connectionTests { ok } } }',
      variables: async () => ({ id: await newAccount() }),
      allowed: READERS,
    },
    {
      field: 'accountGroups',
      document: '{ accountGroups { nodes { id } } }',
      variables: async () => ({}),
      allowed: READERS,
    },
    {
      field: 'accountGroup',
      document: 'query ($id: ID!) { accountGroup(id: $id) { id } }',
      variables: async () => ({ id: await newGroup() }),
      allowed: READERS,
    },
    {
      field: 'auditLog',
      document: '{ auditLog { nodes { id } } }',
      variables: async () => ({}),
      allowed: ['admin'],
    },
    {
      field: 'requestLog',
      document: 'query ($keyId: ID) { requestLog(filter: { keyId: $keyId }) { nodes { id } } }',
      variables: async () => ({ keyId: bobKeyId }),
      allowed: READERS,
      memberCode: 'NOT_FOUND',
    },
    {
      field: 'requestLogEntry',
      document: 'query ($id: String!) { requestLogEntry(requestId: $id) { entry { requestId } } }',
      variables: async () => ({ id: 'req-bob-1' }),
      allowed: READERS,
      memberCode: 'NOT_FOUND',
    },
    {
      field: 'requestLogBodies',
      document: 'query ($id: String!) { requestLogBodies(requestId: $id) { request } }',
      variables: async () => ({ id: 'req-bob-1' }),
      allowed: MANAGERS,
    },
    {
      field: 'usageSeries',
      document: `query ($id: String, $g: Granularity!, $from: DateTime!, $to: DateTime!) {
        usageSeries(dimension: key, id: $id, granularity: $g, from: $from, to: $to) { totals { requests } }
      }`,
      variables: async () => ({ id: bobKeyId, g: range.granularity, from: range.from, to: range.to }),
      allowed: READERS,
      memberCode: 'NOT_FOUND',
    },
    {
      field: 'usageTop',
      document: `query ($g: Granularity!, $from: DateTime!, $to: DateTime!) {
        usageTop(dimension: account, granularity: $g, from: $from, to: $to) { entity }
      }`,
      variables: async () => ({ g: range.granularity, from: range.from, to: range.to }),
      allowed: READERS,
    },
    {
      field: 'priceOverrides',
      document: '{ priceOverrides { model } }',
      variables: async () => ({}),
      allowed: READERS,
    },
    {
      field: 'systemStatus',
      document: '{ systemStatus { version counts { accounts } } }',
      variables: async () => ({}),
      allowed: READERS,
    },
    {
      field: 'notificationChannels',
      document: '{ notificationChannels { nodes { id settings { url } secrets { field } } } }',
      variables: async () => ({}),
      allowed: READERS,
    },
    {
      field: 'notificationChannel',
      document: 'query ($id: ID!) { notificationChannel(id: $id) { id kind } }',
      variables: async () => ({ id: await newChannel() }),
      allowed: READERS,
    },
    {
      field: 'notificationDeliveries',
      document: 'query ($id: ID!) { notificationDeliveries(channelId: $id) { nodes { status } } }',
      variables: async () => ({ id: await newChannel() }),
      allowed: READERS,
    },
    {
      field: 'notificationDelivery',
      document: 'query ($id: ID!) { notificationDelivery(id: $id) { status } }',
      variables: async () => ({ id: await services().operator.deliveries.testSend(await newChannel()) }),
      allowed: READERS,
    },
    {
      field: 'alertRules',
      document: '{ alertRules { nodes { id condition { kind } } } }',
      variables: async () => ({}),
      allowed: READERS,
    },
    {
      field: 'alertRule',
      document: 'query ($id: ID!) { alertRule(id: $id) { id firing { subject } } }',
      variables: async () => ({ id: await newAlertRule() }),
      allowed: READERS,
    },
    {
      field: 'alertHistory',
      document: '{ alertHistory { nodes { id } } }',
      variables: async () => ({}),
      allowed: READERS,
    },
    // Users.
    {
      field: 'createUser',
      document: 'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
      variables: async () => ({
        input: { username: unique('new'), password: 'a long enough password', role: 'viewer' },
      }),
      allowed: ['admin'],
      audit: { action: 'user.create', target: created('createUser', (user) => user.id) },
    },
    {
      field: 'updateUser',
      document: 'mutation ($id: ID!) { updateUser(id: $id, input: { role: operator }) { id } }',
      variables: async () => ({ id: await newUser() }),
      allowed: ['admin'],
      audit: { action: 'user.update', target: byId },
    },
    // API keys.
    {
      field: 'createApiKey',
      document: 'mutation ($name: String!) { createApiKey(input: { name: $name }) { key { id } } }',
      variables: async () => ({ name: unique('key') }),
      allowed: ['member', 'operator', 'admin'],
      audit: {
        action: 'api_key.create',
        target: created('createApiKey', (issued) => (issued.key as { id: string }).id),
      },
    },
    {
      field: 'updateApiKey',
      document: 'mutation ($id: ID!) { updateApiKey(id: $id, input: { name: "renamed" }) { id } }',
      variables: async () => ({ id: await newBobKey() }),
      allowed: MANAGERS,
      memberCode: 'NOT_FOUND',
      audit: { action: 'api_key.update', target: byId },
    },
    {
      field: 'rotateApiKey',
      document: 'mutation ($id: ID!) { rotateApiKey(id: $id) { plaintext } }',
      variables: async () => ({ id: await newBobKey() }),
      allowed: MANAGERS,
      memberCode: 'NOT_FOUND',
      audit: { action: 'api_key.rotate', target: byId },
    },
    {
      field: 'deleteApiKey',
      document: 'mutation ($id: ID!) { deleteApiKey(id: $id) }',
      variables: async () => ({ id: await newBobKey() }),
      allowed: MANAGERS,
      memberCode: 'NOT_FOUND',
      audit: { action: 'api_key.delete', target: byId },
    },
    // Accounts.
    {
      field: 'createAccount',
      document: 'mutation ($input: CreateAccountInput!) { createAccount(input: $input) { id } }',
      variables: async () => ({
        input: {
          name: unique('acct'),
          type: 'claude_console',
          baseUrl: upstream.url,
          credentials: { apiKey: 'sk-ant-x' },
        },
      }),
      allowed: MANAGERS,
      audit: { action: 'account.create', target: created('createAccount', (account) => account.id) },
    },
    {
      field: 'updateAccount',
      document: 'mutation ($id: ID!) { updateAccount(id: $id, input: { priority: 7 }) { id } }',
      variables: async () => ({ id: await newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.update', target: byId },
    },
    {
      field: 'disableAccount',
      document: 'mutation ($id: ID!) { disableAccount(id: $id, reason: "maintenance") { enabled } }',
      variables: async () => ({ id: await newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.disable', target: byId },
    },
    {
      field: 'enableAccount',
      document: 'mutation ($id: ID!) { enableAccount(id: $id) { enabled } }',
      variables: async () => ({ id: await newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.enable', target: byId },
    },
    {
      field: 'deleteAccount',
      document: 'mutation ($id: ID!) { deleteAccount(id: $id) }',
      variables: async () => ({ id: await newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.delete', target: byId },
    },
    {
      field: 'resetAccount',
      document: 'mutation ($id: ID!) { resetAccount(id: $id) { kind } }',
      variables: async () => ({ id: await newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.reset', target: byId },
    },
    {
      field: 'testAccount',
      document: 'mutation ($id: ID!) { testAccount(id: $id) { ok status } }',
      variables: async () => ({ id: await newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.test', target: byId },
    },
    {
      field: 'startAccountOAuth',
      document: 'mutation ($name: String) { startAccountOAuth(name: $name) { sessionId authorizationUrl } }',
      variables: async () => ({ name: unique('oauth') }),
      allowed: MANAGERS,
      audit: {
        action: 'account.oauth_start',
        target: created('startAccountOAuth', (start) => start.sessionId),
      },
    },
    {
      field: 'exchangeAccountOAuth',
      document: `mutation ($sessionId: String!, $code: String!, $baseUrl: String) {
        exchangeAccountOAuth(sessionId: $sessionId, code: $code, account: { baseUrl: $baseUrl }) { id type }
      }`,
      variables: async () => {
        const started = await services().oauth.start({ name: unique('oauth') });
        return {
          sessionId: started.sessionId,
          code: oauth.authorize(started.authorizationUrl),
          baseUrl: upstream.url,
        };
      },
      allowed: MANAGERS,
      audit: {
        action: 'account.oauth_exchange',
        target: created('exchangeAccountOAuth', (account) => account.id),
      },
    },
    {
      field: 'reauthorizeAccountOAuth',
      document: `mutation ($accountId: ID!, $sessionId: String!, $code: String!) {
        reauthorizeAccountOAuth(accountId: $accountId, sessionId: $sessionId, code: $code) { id }
      }`,
      variables: async () => {
        const first = await services().oauth.start({ name: unique('oauth') });
        const account = await services().oauth.exchange({
          sessionId: first.sessionId,
          code: oauth.authorize(first.authorizationUrl),
          account: { baseUrl: upstream.url },
        });
        const again = await services().oauth.start({ accountId: account.id });
        return {
          accountId: account.id,
          sessionId: again.sessionId,
          code: oauth.authorize(again.authorizationUrl),
        };
      },
      allowed: MANAGERS,
      audit: { action: 'account.oauth_reauthorize', target: (variables) => String(variables.accountId) },
    },
    // Account groups.
    {
      field: 'createAccountGroup',
      document:
        'mutation ($name: String!) { createAccountGroup(input: { name: $name, platform: "claude" }) { id } }',
      variables: async () => ({ name: unique('group') }),
      allowed: MANAGERS,
      audit: { action: 'group.create', target: created('createAccountGroup', (group) => group.id) },
    },
    {
      field: 'updateAccountGroup',
      document: 'mutation ($id: ID!) { updateAccountGroup(id: $id, input: { description: "d" }) { id } }',
      variables: async () => ({ id: await newGroup() }),
      allowed: MANAGERS,
      audit: { action: 'group.update', target: byId },
    },
    {
      field: 'addAccountGroupMembers',
      document:
        'mutation ($id: ID!, $ids: [String!]!) { addAccountGroupMembers(id: $id, accountIds: $ids) { memberIds } }',
      variables: async () => ({ id: await newGroup(), ids: [await newAccount()] }),
      allowed: MANAGERS,
      audit: { action: 'group.add_members', target: byId },
    },
    {
      field: 'removeAccountGroupMembers',
      document:
        'mutation ($id: ID!, $ids: [String!]!) { removeAccountGroupMembers(id: $id, accountIds: $ids) { memberIds } }',
      variables: async () => {
        const account = await newAccount();
        const group = await services().groups.create({
          name: unique('group'),
          platform: 'claude',
          memberIds: [account],
        });
        return { id: group.id, ids: [account] };
      },
      allowed: MANAGERS,
      audit: { action: 'group.remove_members', target: byId },
    },
    {
      field: 'deleteAccountGroup',
      document: 'mutation ($id: ID!) { deleteAccountGroup(id: $id) }',
      variables: async () => ({ id: await newGroup() }),
      allowed: MANAGERS,
      audit: { action: 'group.delete', target: byId },
    },
    // Pricing.
    {
      field: 'setPriceOverride',
      document: `mutation ($model: String!) {
        setPriceOverride(model: $model, prices: { input: 1, output: 2, cacheRead: 0.1, cacheWrite5m: 1.25, cacheWrite1h: 2 }) { model }
      }`,
      variables: async () => ({ model: unique('model') }),
      allowed: MANAGERS,
      audit: { action: 'pricing.set', target: (variables) => String(variables.model) },
    },
    {
      field: 'removePriceOverride',
      document: 'mutation ($model: String!) { removePriceOverride(model: $model) }',
      variables: async () => {
        const model = unique('model');
        await services().pricing.setOverride(model, {
          input: 1,
          output: 1,
          cacheRead: 1,
          cacheWrite5m: 1,
          cacheWrite1h: 1,
        });
        return { model };
      },
      allowed: MANAGERS,
      audit: { action: 'pricing.remove', target: (variables) => String(variables.model) },
    },
    // Notification channels.
    {
      field: 'createNotificationChannel',
      document: `mutation ($input: CreateNotificationChannelInput!) {
        createNotificationChannel(input: $input) { channel { id } signingSecret }
      }`,
      variables: async () => ({
        input: { name: unique('channel'), kind: 'webhook', url: `${receiver.url}/hook` },
      }),
      allowed: MANAGERS,
      audit: {
        action: 'channel.create',
        target: created('createNotificationChannel', (issued) => (issued.channel as { id: string }).id),
      },
    },
    {
      field: 'updateNotificationChannel',
      document:
        'mutation ($id: ID!) { updateNotificationChannel(id: $id, input: { enabled: false }) { id } }',
      variables: async () => ({ id: await newChannel() }),
      allowed: MANAGERS,
      audit: { action: 'channel.update', target: byId },
    },
    {
      field: 'deleteNotificationChannel',
      document: 'mutation ($id: ID!) { deleteNotificationChannel(id: $id) }',
      variables: async () => ({ id: await newChannel() }),
      allowed: MANAGERS,
      audit: { action: 'channel.delete', target: byId },
    },
    {
      field: 'testNotificationChannel',
      document: 'mutation ($id: ID!) { testNotificationChannel(id: $id) { deliveryId } }',
      variables: async () => ({ id: await newChannel() }),
      allowed: MANAGERS,
      audit: { action: 'channel.test', target: byId },
    },
    // Alert rules.
    {
      field: 'createAlertRule',
      document: `mutation ($name: String!) {
        createAlertRule(input: { name: $name, condition: { keyLimit: { percent: 90 } } }) { id }
      }`,
      variables: async () => ({ name: unique('rule') }),
      allowed: MANAGERS,
      audit: { action: 'alert_rule.create', target: created('createAlertRule', (rule) => rule.id) },
    },
    {
      field: 'updateAlertRule',
      document: 'mutation ($id: ID!) { updateAlertRule(id: $id, input: { severity: critical }) { id } }',
      variables: async () => ({ id: await newAlertRule() }),
      allowed: MANAGERS,
      audit: { action: 'alert_rule.update', target: byId },
    },
    {
      field: 'deleteAlertRule',
      document: 'mutation ($id: ID!) { deleteAlertRule(id: $id) }',
      variables: async () => ({ id: await newAlertRule() }),
      allowed: MANAGERS,
      audit: { action: 'alert_rule.delete', target: byId },
    },
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
