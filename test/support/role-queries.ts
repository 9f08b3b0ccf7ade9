// The role matrix's queries: what each role may read.
import { MANAGERS, type Operation, READERS, type RoleFixture, range, SIGNED_IN } from './role-operations.js';

export function queryOperations(f: RoleFixture): Operation[] {
  return [
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
      variables: async () => ({ id: await f.newUser() }),
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
      variables: async () => ({ id: f.bobKeyId() }),
      allowed: READERS,
      memberCode: 'NOT_FOUND',
    },
    {
      field: 'apiKeyLimits',
      document: 'query ($id: ID!) { apiKeyLimits(id: $id) { keyId } }',
      variables: async () => ({ id: f.bobKeyId() }),
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
      variables: async () => ({ id: await f.newAccount() }),
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
      variables: async () => ({ id: await f.newGroup() }),
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
      variables: async () => ({ keyId: f.bobKeyId() }),
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
      variables: async () => ({ id: f.bobKeyId(), g: range.granularity, from: range.from, to: range.to }),
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
      variables: async () => ({ id: await f.newChannel() }),
      allowed: READERS,
    },
    {
      field: 'notificationDeliveries',
      document: 'query ($id: ID!) { notificationDeliveries(channelId: $id) { nodes { status } } }',
      variables: async () => ({ id: await f.newChannel() }),
      allowed: READERS,
    },
    {
      field: 'notificationDelivery',
      document: 'query ($id: ID!) { notificationDelivery(id: $id) { status } }',
      variables: async () => ({ id: await f.services().operator.deliveries.testSend(await f.newChannel()) }),
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
      variables: async () => ({ id: await f.newAlertRule() }),
      allowed: READERS,
    },
    {
      field: 'alertHistory',
      document: '{ alertHistory { nodes { id } } }',
      variables: async () => ({}),
      allowed: READERS,
    },
  ];
}
