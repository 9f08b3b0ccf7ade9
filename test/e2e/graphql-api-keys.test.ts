// API keys through GraphQL over HTTP, for each role: what viewers, members and operators may see and change,
// validation errors naming the field, pagination, and the audit entry every mutation leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../support/relay.js';

const PASSWORD = 'a long enough password';

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

describe('API keys over GraphQL', () => {
  let relay: TestRelay;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const gql = async (as: string | undefined, query: string, variables: Record<string, unknown> = {}) => {
    const token = as ? tokens[as] : undefined;
    const response = await fetch(`${relay.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse;
  };
  const errorOf = (response: GraphQLResponse) => response.errors?.[0];
  /** The named field of a response's data; fails the test with the errors when it is missing. */
  const dataOf = <T>(response: GraphQLResponse, field: string): T => {
    const value = response.data?.[field];
    if (value === undefined || value === null)
      throw new Error(`no ${field}: ${JSON.stringify(response.errors)}`);
    return value as T;
  };

  beforeAll(async () => {
    relay = await startTestRelay({ env: { MEMBER_MAX_KEYS: '2' } });
    for (const role of ['operator', 'viewer', 'member'] as const) {
      for (const name of role === 'member' ? ['alice', 'bob'] : [role]) {
        ids[name] = (
          await relay.server.services.users.create({ username: name, password: PASSWORD, role })
        ).id;
        const login = await gql(
          undefined,
          'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }',
          {
            u: name,
            p: PASSWORD,
          },
        );
        tokens[name] = dataOf<{ accessToken: string }>(login, 'login').accessToken;
      }
    }
  });
  afterAll(async () => {
    await relay.stop();
  });

  const CREATE = `mutation ($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { plaintext key { id name ownerId hint limits { concurrency } } }
  }`;
  const GET = 'query ($id: ID!) { apiKey(id: $id) { id name } }';
  const LIST = `query ($first: Int, $after: String) {
    apiKeys(first: $first, after: $after) { nodes { id ownerId } pageInfo { hasNextPage endCursor } }
  }`;

  it('lets operators create keys with limits, validating every field', async () => {
    const created = await gql('operator', CREATE, { input: { name: 'team', limits: { concurrency: 5 } } });
    const issued = dataOf<{ plaintext: string; key: { hint: string; limits: unknown } }>(
      created,
      'createApiKey',
    );
    expect(issued.plaintext).toMatch(/^cr_/);
    expect(issued.key.limits).toEqual({ concurrency: 5 });

    const negative = await gql('operator', CREATE, { input: { name: 'bad', limits: { concurrency: -1 } } });
    expect(errorOf(negative)?.extensions).toMatchObject({
      code: 'INVALID_REQUEST',
      field: 'limits.concurrency',
    });
    const long = await gql('operator', CREATE, { input: { name: 'x'.repeat(500) } });
    expect(errorOf(long)?.extensions).toMatchObject({ code: 'INVALID_REQUEST', field: 'name' });
    const badEnum = await gql('operator', CREATE, { input: { name: 'p', platforms: ['mars'] } });
    expect(errorOf(badEnum)?.extensions).toMatchObject({ code: 'INVALID_REQUEST', field: 'platforms.0' });
    const badId = await gql('operator', GET, { id: 'key_nope' });
    expect(errorOf(badId)?.extensions?.code).toBe('NOT_FOUND');
  });

  it("sets, replaces and reads a key's model mapping as pairs, refusing a model mapped twice", async () => {
    const MAPPED = 'modelMapping { from to }';
    const created = await gql(
      'operator',
      `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key { id ${MAPPED} } } }`,
      {
        input: {
          name: 'mapped',
          modelMapping: [
            { from: 'claude-sonnet-4-5', to: 'gemini-2.5-pro' },
            { from: 'claude-haiku-4-5', to: 'gemini-2.5-flash' },
          ],
        },
      },
    );
    const key = dataOf<{ key: { id: string; modelMapping: unknown } }>(created, 'createApiKey').key;
    expect(key.modelMapping).toEqual([
      { from: 'claude-sonnet-4-5', to: 'gemini-2.5-pro' },
      { from: 'claude-haiku-4-5', to: 'gemini-2.5-flash' },
    ]);
    expect((await relay.server.services.apiKeys.get(key.id))?.modelMapping).toEqual({
      'claude-sonnet-4-5': 'gemini-2.5-pro',
      'claude-haiku-4-5': 'gemini-2.5-flash',
    });

    const UPDATE = `mutation ($id: ID!, $input: UpdateApiKeyInput!) {
      updateApiKey(id: $id, input: $input) { ${MAPPED} }
    }`;
    const update = (input: Record<string, unknown>) => gql('operator', UPDATE, { id: key.id, input });
    // A change that names no mapping keeps it; a mapping replaces it as a whole; an empty one clears it.
    const renamed = await update({ name: 'mapped renamed' });
    expect(dataOf<{ modelMapping: unknown[] }>(renamed, 'updateApiKey').modelMapping).toHaveLength(2);
    const replaced = await update({ modelMapping: [{ from: 'claude-opus-4-1', to: 'claude-sonnet-4-5' }] });
    expect(dataOf<{ modelMapping: unknown }>(replaced, 'updateApiKey').modelMapping).toEqual([
      { from: 'claude-opus-4-1', to: 'claude-sonnet-4-5' },
    ]);
    const twice = await update({
      modelMapping: [
        { from: 'claude-opus-4-1', to: 'gemini-2.5-pro' },
        { from: 'claude-opus-4-1', to: 'gemini-2.5-flash' },
      ],
    });
    expect(errorOf(twice)?.extensions).toMatchObject({
      code: 'INVALID_REQUEST',
      field: 'modelMapping.1.from',
    });
    const empty = await update({ modelMapping: [{ from: 'claude-opus-4-1', to: '' }] });
    expect(errorOf(empty)?.extensions).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(errorOf(empty)?.extensions?.field).toMatch(/^modelMapping\./);
    const cleared = await update({ modelMapping: [] });
    expect(dataOf<{ modelMapping: unknown }>(cleared, 'updateApiKey').modelMapping).toEqual([]);

    // What a key is served as is the operators' call, as its model lists are.
    const byMember = await gql('bob', CREATE, {
      input: { name: 'bob mapped', modelMapping: [{ from: 'claude-haiku-4-5', to: 'claude-opus-4-1' }] },
    });
    expect(errorOf(byMember)?.extensions).toMatchObject({ code: 'PERMISSION_DENIED', field: 'modelMapping' });
  });

  it('keeps viewers read-only and anonymous callers out', async () => {
    const denied = await gql('viewer', CREATE, { input: { name: 'nope' } });
    expect(errorOf(denied)?.extensions?.code).toBe('PERMISSION_DENIED');
    const listed = await gql('viewer', LIST, { first: 50 });
    expect(dataOf<{ nodes: unknown[] }>(listed, 'apiKeys').nodes.length).toBeGreaterThan(0);
    expect(errorOf(await gql(undefined, LIST))?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("gives members their own keys only, within their quota, without limits or other members' keys", async () => {
    const mine = await gql('alice', CREATE, { input: { name: 'alice laptop' } });
    const aliceKey = dataOf<{ key: { id: string; ownerId: string } }>(mine, 'createApiKey').key;
    expect(aliceKey.ownerId).toBe(ids.alice);
    const limited = await gql('alice', CREATE, { input: { name: 'more', limits: { concurrency: 100 } } });
    expect(errorOf(limited)?.extensions).toMatchObject({ code: 'PERMISSION_DENIED', field: 'limits' });
    expect(errorOf(await gql('alice', CREATE, { input: { name: 'second' } }))).toBeUndefined();
    const third = await gql('alice', CREATE, { input: { name: 'third' } });
    expect(errorOf(third)?.extensions?.code).toBe('CONFLICT');

    // Bob neither sees nor touches Alice's key.
    expect(errorOf(await gql('bob', GET, { id: aliceKey.id }))?.extensions?.code).toBe('NOT_FOUND');
    const bobList = await gql('bob', LIST, { first: 50 });
    expect(dataOf<{ nodes: unknown[] }>(bobList, 'apiKeys').nodes).toEqual([]);
    const renamed = await gql(
      'bob',
      'mutation ($id: ID!) { updateApiKey(id: $id, input: { name: "mine now" }) { id } }',
      {
        id: aliceKey.id,
      },
    );
    expect(errorOf(renamed)?.extensions?.code).toBe('NOT_FOUND');
    const deleted = await gql('bob', 'mutation ($id: ID!) { deleteApiKey(id: $id) }', { id: aliceKey.id });
    expect(errorOf(deleted)?.extensions?.code).toBe('NOT_FOUND');

    // Alice may rename and rotate her own key.
    const rotated = await gql(
      'alice',
      'mutation ($id: ID!) { rotateApiKey(id: $id) { plaintext key { id } } }',
      {
        id: aliceKey.id,
      },
    );
    expect(dataOf<{ plaintext: string }>(rotated, 'rotateApiKey').plaintext).toMatch(/^cr_/);
  });

  it('pages newest first with an end cursor', async () => {
    const first = await gql('operator', LIST, { first: 2 });
    const page = dataOf<{
      nodes: Array<{ id: string }>;
      pageInfo: { hasNextPage: boolean; endCursor: string };
    }>(first, 'apiKeys');
    expect(page.nodes).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await gql('operator', LIST, { first: 2, after: page.pageInfo.endCursor });
    const second = dataOf<{ nodes: Array<{ id: string }> }>(next, 'apiKeys');
    expect(second.nodes.length).toBeGreaterThan(0);
    expect(second.nodes.map((node) => node.id)).not.toContain(page.nodes[0]?.id);
  });

  it('writes an audit entry for every key mutation, without any key secret', async () => {
    const entries = (await relay.server.services.audit.list({ action: 'api_key.', limit: 100 })).items;
    const actions = entries.map((entry) => `${entry.action}:${entry.actor}`);
    expect(actions).toContain(`api_key.create:${ids.operator}`);
    expect(actions).toContain(`api_key.create:${ids.alice}`);
    expect(actions).toContain(`api_key.rotate:${ids.alice}`);
    // Refused mutations change nothing and leave nothing.
    expect(actions.filter((action) => action.endsWith(`:${ids.bob}`))).toEqual([]);
    const text = JSON.stringify(entries);
    expect(text).not.toMatch(/cr_[A-Za-z0-9_-]{20,}/);
    expect(text).not.toContain('"hash"');
  });

  it('shows the audit log to admins only, filtered by action prefix and paginated', async () => {
    const login = await gql(
      undefined,
      'mutation { login(username: "admin", password: "test admin password") { accessToken } }',
    );
    tokens.admin = dataOf<{ accessToken: string }>(login, 'login').accessToken;
    const AUDIT = `query ($first: Int, $after: String, $action: String) {
      auditLog(first: $first, after: $after, action: $action) {
        nodes { action actor target after } pageInfo { hasNextPage endCursor }
      }
    }`;
    const page = dataOf<{
      nodes: Array<{ action: string }>;
      pageInfo: { hasNextPage: boolean; endCursor: string };
    }>(await gql('admin', AUDIT, { first: 2, action: 'api_key.' }), 'auditLog');
    expect(page.nodes).toHaveLength(2);
    expect(page.nodes.every((node) => node.action.startsWith('api_key.'))).toBe(true);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = dataOf<{ nodes: Array<{ action: string }> }>(
      await gql('admin', AUDIT, { first: 2, after: page.pageInfo.endCursor, action: 'api_key.' }),
      'auditLog',
    );
    expect(next.nodes.length).toBeGreaterThan(0);
    expect(errorOf(await gql('operator', AUDIT, {}))?.extensions?.code).toBe('PERMISSION_DENIED');
    const badCursor = await gql('admin', AUDIT, { after: 'nonsense' });
    expect(errorOf(badCursor)?.extensions).toMatchObject({ code: 'INVALID_REQUEST', field: 'after' });
  });
});
