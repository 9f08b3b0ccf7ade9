// The GraphQL server in process (yoga.fetch, no HTTP listener) over real services and Redis: the same
// context, masking and rules as the mounted endpoint, fast enough to drive schema behaviour directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLServer } from '../../src/schema/graphql-endpoint.js';
import type { Services } from '../../src/services/container.js';
import { dataOf, type GraphQLResponse } from '../support/graphql.js';
import { createTestServices } from '../support/services.js';

const PASSWORD = 'a long enough password';

describe('GraphQL in process', () => {
  let services: Services;
  let yoga: ReturnType<typeof createGraphQLServer>;

  beforeAll(async () => {
    services = await createTestServices();
    yoga = createGraphQLServer(services, { graphiql: false });
    await services.users.create({ username: 'olga', password: PASSWORD, role: 'operator' });
    await services.users.create({ username: 'victor', password: PASSWORD, role: 'viewer' });
  });
  afterAll(async () => {
    await services.stop();
  });

  const run = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const response = await yoga.fetch('http://relay.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse;
  };
  const login = async (username: string) => {
    const body = await run(
      'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }',
      { u: username, p: PASSWORD },
    );
    return dataOf<{ accessToken: string }>(body, 'login').accessToken;
  };

  it('signs in, creates a group as an operator, and audits it with the caller as actor', async () => {
    const token = await login('olga');
    const created = await run(
      'mutation { createAccountGroup(input: { name: "team", platform: "claude" }) { id name memberIds } }',
      {},
      token,
    );
    const group = created.data?.createAccountGroup as { id: string; name: string; memberIds: string[] };
    expect(group).toMatchObject({ name: 'team', memberIds: [] });
    const olga = await services.users.findByUsername('olga');
    const audit = await services.audit.list({ action: 'group.create', target: group.id });
    expect(audit.items[0]).toMatchObject({ actor: olga?.id, after: { name: 'team' } });
  });

  it('refuses a viewer with PERMISSION_DENIED and an anonymous caller with UNAUTHENTICATED', async () => {
    const mutation =
      'mutation { setPriceOverride(model: "m", prices: { input: 1, output: 1, cacheRead: 1, cacheWrite5m: 1, cacheWrite1h: 1 }) { model } }';
    const viewer = await run(mutation, {}, await login('victor'));
    expect(viewer.errors?.[0]?.extensions?.code).toBe('PERMISSION_DENIED');
    const anonymous = await run('{ systemStatus { version } }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await services.pricing.listOverrides()).toEqual([]);
  });

  it('answers system status for readers from Redis', async () => {
    const body = await run(
      '{ systemStatus { version redis { version pingMs } counts { users accountGroups } rollupLagMs } }',
      {},
      await login('victor'),
    );
    expect(body.data?.systemStatus).toMatchObject({
      redis: { version: expect.stringMatching(/^\d+\.\d+/) },
      counts: { users: 2, accountGroups: 1 },
      rollupLagMs: 0,
    });
  });
});
