// What admins edit most goes through GraphQL as typed inputs and comes back as typed objects: key limits, expiry
// and bindings; account proxy and model mapping; per-family rate limits and a key's usage against its limits.
// The services' schemas still validate, so a bad value is refused naming its field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLServer } from '../../src/schema/graphql-endpoint.js';
import type { Services } from '../../src/services/container.js';
import { dataOf, errorOf, type GraphQLResponse } from '../support/graphql.js';
import { createTestServices } from '../support/services.js';

const PASSWORD = 'a long enough password';

const KEY_FIELDS = `id
  expiry { kind expiresAt durationSeconds }
  limits {
    concurrency queue { maxWaiters maxWaitMs } window { seconds mode requests tokens costMicros }
    dailyCostMicros weeklyCostMicros monthlyCostMicros totalCostMicros weeklyCostMicrosByFamily { opus sonnet haiku }
  }
  bindings { claude { accountId groupId } openai { accountId groupId } }`;
const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key { ${KEY_FIELDS} } } }`;
const UPDATE_KEY = `mutation ($id: ID!, $input: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $input) { ${KEY_FIELDS} } }`;
const ACCOUNT_FIELDS =
  'id proxy { protocol host port username } modelMapping { from to } live { familyLimits { family until } }';
const CREATE_ACCOUNT = `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { ${ACCOUNT_FIELDS} } }`;
const UPDATE_ACCOUNT = `mutation ($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${ACCOUNT_FIELDS} } }`;

describe('GraphQL typed settings', () => {
  let services: Services;
  let yoga: ReturnType<typeof createGraphQLServer>;
  let token: string;

  const run = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await yoga.fetch('http://relay.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse;
  };

  beforeAll(async () => {
    services = await createTestServices();
    yoga = createGraphQLServer(services, { graphiql: false });
    await services.users.create({ username: 'olga', password: PASSWORD, role: 'operator' });
    const login = await run(
      'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }',
      { u: 'olga', p: PASSWORD },
    );
    token = dataOf<{ accessToken: string }>(login, 'login').accessToken;
  });
  afterAll(async () => {
    await services.stop();
  });

  it('sets and reads back key limits, expiry and bindings as typed fields', async () => {
    const group = await services.groups.create({ name: 'team', platform: 'claude' });
    const created = await run(CREATE_KEY, {
      input: {
        name: 'typed',
        limits: {
          concurrency: 2,
          queue: { maxWaiters: 3, maxWaitMs: 1000 },
          window: { seconds: 60, requests: 10, costMicros: 5_000_000 },
          weeklyCostMicros: 50_000_000,
          weeklyCostMicrosByFamily: { opus: 20_000_000 },
        },
        expiry: { kind: 'fixed', expiresAt: '2030-01-01T00:00:00.000Z' },
        bindings: { claude: { groupId: group.id } },
      },
    });
    const key = dataOf<{ key: { id: string } }>(created, 'createApiKey').key;
    expect(key).toEqual({
      id: key.id,
      expiry: { kind: 'fixed', expiresAt: '2030-01-01T00:00:00.000Z', durationSeconds: null },
      limits: {
        concurrency: 2,
        queue: { maxWaiters: 3, maxWaitMs: 1000 },
        window: { seconds: 60, mode: 'sliding', requests: 10, tokens: null, costMicros: 5_000_000 },
        dailyCostMicros: null,
        weeklyCostMicros: 50_000_000,
        monthlyCostMicros: null,
        totalCostMicros: null,
        weeklyCostMicrosByFamily: { opus: 20_000_000, sonnet: null, haiku: null },
      },
      bindings: { claude: { accountId: null, groupId: group.id }, openai: null },
    });
    // The service holds what its own schema says: times in ms, no nulls.
    expect(await services.apiKeys.get(key.id)).toMatchObject({
      expiry: { kind: 'fixed', expiresAt: Date.parse('2030-01-01T00:00:00.000Z') },
      limits: { window: { seconds: 60, mode: 'sliding', requests: 10, costMicros: 5_000_000 } },
      bindings: { claude: { groupId: group.id } },
    });

    const updated = await run(UPDATE_KEY, {
      id: key.id,
      input: { expiry: { kind: 'after_first_use', durationSeconds: 3600 }, limits: { dailyCostMicros: 1 } },
    });
    expect(dataOf(updated, 'updateApiKey')).toMatchObject({
      expiry: { kind: 'after_first_use', expiresAt: null, durationSeconds: 3600 },
      limits: { concurrency: null, window: null, dailyCostMicros: 1 },
      bindings: { claude: { groupId: group.id } },
    });

    const usage = await run(
      `query ($id: ID!) { apiKeyLimits(id: $id) {
        keyId at timeZone concurrency { inFlight limit } window { mode }
        costs { name spentMicros reservedMicros limitMicros resetsAt } activation { activatedAt expiresAt }
      } }`,
      { id: key.id },
    );
    const limits = dataOf<{ costs: Array<{ name: string; limitMicros: number | null }> }>(
      usage,
      'apiKeyLimits',
    );
    expect(limits).toMatchObject({
      keyId: key.id,
      timeZone: 'UTC',
      concurrency: { inFlight: 0, limit: null },
      window: null,
      activation: { activatedAt: null, expiresAt: null },
    });
    expect(limits.costs.find((cost) => cost.name === 'daily')).toMatchObject({
      spentMicros: 0,
      limitMicros: 1,
      resetsAt: expect.any(String),
    });
    expect(limits.costs.find((cost) => cost.name === 'total')).toMatchObject({ resetsAt: null });
  });

  it('refuses bad key settings naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ limits: { window: { seconds: 0 } } }, 'INVALID_REQUEST', 'limits.window.seconds'],
      [
        { limits: { weeklyCostMicrosByFamily: { opus: -1 } } },
        'INVALID_REQUEST',
        'limits.weeklyCostMicrosByFamily.opus',
      ],
      [{ limits: { window: { requests: 5 } } }, 'BAD_USER_INPUT', 'input.limits.window'],
      [{ expiry: { kind: 'fixed' } }, 'INVALID_REQUEST', 'expiry.expiresAt'],
      [{ expiry: { kind: 'never', durationSeconds: 60 } }, 'INVALID_REQUEST', 'expiry.durationSeconds'],
      [{ expiry: { kind: 'someday' } }, 'BAD_USER_INPUT', 'input.expiry.kind'],
      [
        { bindings: { claude: { accountId: 'acc_1', groupId: 'grp_1' } } },
        'INVALID_REQUEST',
        'bindings.claude',
      ],
    ];
    for (const [settings, code, field] of cases) {
      const error = errorOf(await run(CREATE_KEY, { input: { name: 'bad', ...settings } }));
      expect({ settings, code: error?.extensions?.code, field: error?.extensions?.field }).toEqual({
        settings,
        code,
        field,
      });
    }
  });

  it('sets, reads back and removes an account proxy and model mapping; shows per-family rate limits', async () => {
    const created = await run(CREATE_ACCOUNT, {
      input: {
        name: 'typed account',
        type: 'claude_console',
        credentials: { apiKey: 'sk-ant-typed', proxyPassword: 'proxy secret' },
        proxy: { protocol: 'socks5', host: '127.0.0.1', port: 1080, username: 'relay' },
        modelMapping: [
          { from: 'claude-sonnet-4-5', to: 'claude-sonnet-4-5-20250929' },
          { from: 'claude-haiku-4-5', to: 'claude-haiku-4-5-20251001' },
        ],
      },
    });
    const account = dataOf<{ id: string }>(created, 'createAccount');
    expect(account).toEqual({
      id: account.id,
      proxy: { protocol: 'socks5', host: '127.0.0.1', port: 1080, username: 'relay' },
      modelMapping: [
        { from: 'claude-sonnet-4-5', to: 'claude-sonnet-4-5-20250929' },
        { from: 'claude-haiku-4-5', to: 'claude-haiku-4-5-20251001' },
      ],
      live: { familyLimits: [] },
    });
    expect((await services.accounts.get(account.id))?.modelMapping).toEqual({
      'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
      'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
    });

    const runtime = await services.accounts.runtime(account.id);
    if (!runtime) throw new Error('account missing');
    const before = Date.now();
    await services.health.observe(
      runtime,
      {
        kind: 'answered',
        status: 429,
        headers: { 'retry-after': '60' },
        message: 'Opus weekly limit reached',
      },
      'claude-opus-4-1',
    );
    const updated = await run(UPDATE_ACCOUNT, {
      id: account.id,
      input: { proxy: null, modelMapping: [{ from: 'a', to: 'b' }] },
    });
    const after = dataOf<{ live: { familyLimits: Array<{ family: string; until: string }> } }>(
      updated,
      'updateAccount',
    );
    expect(after).toMatchObject({ proxy: null, modelMapping: [{ from: 'a', to: 'b' }] });
    expect(after.live.familyLimits).toEqual([{ family: 'opus', until: expect.any(String) }]);
    expect(Date.parse(after.live.familyLimits[0]?.until ?? '')).toBeGreaterThanOrEqual(
      before + 60_000 - 1000,
    );

    const cases: Array<[Record<string, unknown>, string, string]> = [
      [
        {
          modelMapping: [
            { from: 'a', to: 'b' },
            { from: 'a', to: 'c' },
          ],
        },
        'INVALID_REQUEST',
        'modelMapping.1.from',
      ],
      [{ modelMapping: [{ from: 'a', to: '' }] }, 'INVALID_REQUEST', 'modelMapping.a'],
      [{ proxy: { protocol: 'http', host: 'proxy.test', port: 70000 } }, 'INVALID_REQUEST', 'proxy.port'],
      [
        { proxy: { protocol: 'ftp', host: 'proxy.test', port: 21 } },
        'BAD_USER_INPUT',
        'input.proxy.protocol',
      ],
    ];
    for (const [input, code, field] of cases) {
      const error = errorOf(await run(UPDATE_ACCOUNT, { id: account.id, input }));
      expect({ input, code: error?.extensions?.code, field: error?.extensions?.field }).toEqual({
        input,
        code,
        field,
      });
    }
  });
});
