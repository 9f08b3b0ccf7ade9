// The role matrix's mutations: who may change what, and the audit entry each success leaves.
import { byId, created, MANAGERS, type Operation, type RoleFixture } from './role-operations.js';

export function mutationOperations(f: RoleFixture): Operation[] {
  return [
    // Users.
    {
      field: 'createUser',
      document: 'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
      variables: async () => ({
        input: { username: f.unique('new'), password: 'a long enough password', role: 'viewer' },
      }),
      allowed: ['admin'],
      audit: { action: 'user.create', target: created('createUser', (user) => user.id) },
    },
    {
      field: 'updateUser',
      document: 'mutation ($id: ID!) { updateUser(id: $id, input: { role: operator }) { id } }',
      variables: async () => ({ id: await f.newUser() }),
      allowed: ['admin'],
      audit: { action: 'user.update', target: byId },
    },
    // API keys.
    {
      field: 'createApiKey',
      document: 'mutation ($name: String!) { createApiKey(input: { name: $name }) { key { id } } }',
      variables: async () => ({ name: f.unique('key') }),
      allowed: ['member', 'operator', 'admin'],
      audit: {
        action: 'api_key.create',
        target: created('createApiKey', (issued) => (issued.key as { id: string }).id),
      },
    },
    {
      field: 'updateApiKey',
      document: 'mutation ($id: ID!) { updateApiKey(id: $id, input: { name: "renamed" }) { id } }',
      variables: async () => ({ id: await f.newBobKey() }),
      allowed: MANAGERS,
      memberCode: 'NOT_FOUND',
      audit: { action: 'api_key.update', target: byId },
    },
    {
      field: 'rotateApiKey',
      document: 'mutation ($id: ID!) { rotateApiKey(id: $id) { plaintext } }',
      variables: async () => ({ id: await f.newBobKey() }),
      allowed: MANAGERS,
      memberCode: 'NOT_FOUND',
      audit: { action: 'api_key.rotate', target: byId },
    },
    {
      field: 'deleteApiKey',
      document: 'mutation ($id: ID!) { deleteApiKey(id: $id) }',
      variables: async () => ({ id: await f.newBobKey() }),
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
          name: f.unique('acct'),
          type: 'claude_console',
          baseUrl: f.upstreamUrl(),
          credentials: { apiKey: 'sk-ant-x' },
        },
      }),
      allowed: MANAGERS,
      audit: { action: 'account.create', target: created('createAccount', (account) => account.id) },
    },
    {
      field: 'updateAccount',
      document: 'mutation ($id: ID!) { updateAccount(id: $id, input: { priority: 7 }) { id } }',
      variables: async () => ({ id: await f.newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.update', target: byId },
    },
    {
      field: 'disableAccount',
      document: 'mutation ($id: ID!) { disableAccount(id: $id, reason: "maintenance") { enabled } }',
      variables: async () => ({ id: await f.newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.disable', target: byId },
    },
    {
      field: 'enableAccount',
      document: 'mutation ($id: ID!) { enableAccount(id: $id) { enabled } }',
      variables: async () => ({ id: await f.newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.enable', target: byId },
    },
    {
      field: 'deleteAccount',
      document: 'mutation ($id: ID!) { deleteAccount(id: $id) }',
      variables: async () => ({ id: await f.newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.delete', target: byId },
    },
    {
      field: 'resetAccount',
      document: 'mutation ($id: ID!) { resetAccount(id: $id) { kind } }',
      variables: async () => ({ id: await f.newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.reset', target: byId },
    },
    {
      field: 'testAccount',
      document: 'mutation ($id: ID!) { testAccount(id: $id) { ok status } }',
      variables: async () => ({ id: await f.newAccount() }),
      allowed: MANAGERS,
      audit: { action: 'account.test', target: byId },
    },
    {
      field: 'startAccountOAuth',
      document: 'mutation ($name: String) { startAccountOAuth(name: $name) { sessionId authorizationUrl } }',
      variables: async () => ({ name: f.unique('oauth') }),
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
        const started = await f.services().oauth.start({ name: f.unique('oauth') });
        return {
          sessionId: started.sessionId,
          code: f.authorize(started.authorizationUrl),
          baseUrl: f.upstreamUrl(),
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
        const first = await f.services().oauth.start({ name: f.unique('oauth') });
        const account = await f.services().oauth.exchange({
          sessionId: first.sessionId,
          code: f.authorize(first.authorizationUrl),
          account: { baseUrl: f.upstreamUrl() },
        });
        const again = await f.services().oauth.start({ accountId: account.id });
        return {
          accountId: account.id,
          sessionId: again.sessionId,
          code: f.authorize(again.authorizationUrl),
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
      variables: async () => ({ name: f.unique('group') }),
      allowed: MANAGERS,
      audit: { action: 'group.create', target: created('createAccountGroup', (group) => group.id) },
    },
    {
      field: 'updateAccountGroup',
      document: 'mutation ($id: ID!) { updateAccountGroup(id: $id, input: { description: "d" }) { id } }',
      variables: async () => ({ id: await f.newGroup() }),
      allowed: MANAGERS,
      audit: { action: 'group.update', target: byId },
    },
    {
      field: 'addAccountGroupMembers',
      document:
        'mutation ($id: ID!, $ids: [String!]!) { addAccountGroupMembers(id: $id, accountIds: $ids) { memberIds } }',
      variables: async () => ({ id: await f.newGroup(), ids: [await f.newAccount()] }),
      allowed: MANAGERS,
      audit: { action: 'group.add_members', target: byId },
    },
    {
      field: 'removeAccountGroupMembers',
      document:
        'mutation ($id: ID!, $ids: [String!]!) { removeAccountGroupMembers(id: $id, accountIds: $ids) { memberIds } }',
      variables: async () => {
        const account = await f.newAccount();
        const group = await f.services().groups.create({
          name: f.unique('group'),
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
      variables: async () => ({ id: await f.newGroup() }),
      allowed: MANAGERS,
      audit: { action: 'group.delete', target: byId },
    },
    // Pricing.
    {
      field: 'setPriceOverride',
      document: `mutation ($model: String!) {
      setPriceOverride(model: $model, prices: { input: 1, output: 2, cacheRead: 0.1, cacheWrite5m: 1.25, cacheWrite1h: 2 }) { model }
    }`,
      variables: async () => ({ model: f.unique('model') }),
      allowed: MANAGERS,
      audit: { action: 'pricing.set', target: (variables) => String(variables.model) },
    },
    {
      field: 'removePriceOverride',
      document: 'mutation ($model: String!) { removePriceOverride(model: $model) }',
      variables: async () => {
        const model = f.unique('model');
        await f.services().pricing.setOverride(model, {
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
        input: { name: f.unique('channel'), kind: 'webhook', url: `${f.receiverUrl()}/hook` },
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
      variables: async () => ({ id: await f.newChannel() }),
      allowed: MANAGERS,
      audit: { action: 'channel.update', target: byId },
    },
    {
      field: 'deleteNotificationChannel',
      document: 'mutation ($id: ID!) { deleteNotificationChannel(id: $id) }',
      variables: async () => ({ id: await f.newChannel() }),
      allowed: MANAGERS,
      audit: { action: 'channel.delete', target: byId },
    },
    {
      field: 'testNotificationChannel',
      document: 'mutation ($id: ID!) { testNotificationChannel(id: $id) { deliveryId } }',
      variables: async () => ({ id: await f.newChannel() }),
      allowed: MANAGERS,
      audit: { action: 'channel.test', target: byId },
    },
    // Alert rules.
    {
      field: 'createAlertRule',
      document: `mutation ($name: String!) {
      createAlertRule(input: { name: $name, condition: { keyLimit: { percent: 90 } } }) { id }
    }`,
      variables: async () => ({ name: f.unique('rule') }),
      allowed: MANAGERS,
      audit: { action: 'alert_rule.create', target: created('createAlertRule', (rule) => rule.id) },
    },
    {
      field: 'updateAlertRule',
      document: 'mutation ($id: ID!) { updateAlertRule(id: $id, input: { severity: critical }) { id } }',
      variables: async () => ({ id: await f.newAlertRule() }),
      allowed: MANAGERS,
      audit: { action: 'alert_rule.update', target: byId },
    },
    {
      field: 'deleteAlertRule',
      document: 'mutation ($id: ID!) { deleteAlertRule(id: $id) }',
      variables: async () => ({ id: await f.newAlertRule() }),
      allowed: MANAGERS,
      audit: { action: 'alert_rule.delete', target: byId },
    },
  ];
}
