// The GraphQL endpoint over real HTTP: signing in, `me`, refresh rotation and reuse, logout, and errors with a
// stable extensions.code (validation errors name the field).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../support/relay.js';

const PASSWORD = 'test admin password';

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

describe('GraphQL sign-in', () => {
  let relay: TestRelay;

  beforeAll(async () => {
    relay = await startTestRelay();
  });
  afterAll(async () => {
    await relay.stop();
  });

  const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const response = await fetch(`${relay.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse };
  };
  const LOGIN = `mutation ($u: String!, $p: String!) {
    login(username: $u, password: $p) { accessToken refreshToken accessExpiresAt user { username role } }
  }`;
  const REFRESH = 'mutation ($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }';
  const ME = '{ me { id username role } }';

  const login = async () => {
    const { body } = await gql(LOGIN, { u: 'admin', p: PASSWORD });
    return body.data?.login as { accessToken: string; refreshToken: string; user: unknown };
  };

  it('signs the first admin in and answers `me` with the access token', async () => {
    const session = await login();
    expect(session.user).toEqual({ username: 'admin', role: 'admin' });
    const { body } = await gql(ME, {}, session.accessToken);
    expect(body.data?.me).toMatchObject({ username: 'admin', role: 'admin' });
  });

  it('refuses anonymous and wrong-token callers with UNAUTHENTICATED, and wrong passwords alike', async () => {
    const anonymous = await gql(ME);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const badToken = await gql(ME, {}, 'eyJhbGciOiJIUzI1NiJ9.e30.bad');
    expect(badToken.body.errors?.[0]).toMatchObject({
      message: 'The access token is invalid or expired',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const wrong = await gql(LOGIN, { u: 'admin', p: 'not the password' });
    expect(wrong.body.errors?.[0]).toMatchObject({
      message: 'Wrong username or password',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('rotates refresh tokens and ends the session when a used one comes back', async () => {
    const session = await login();
    const first = await gql(REFRESH, { t: session.refreshToken });
    const rotated = first.body.data?.refreshSession as { accessToken: string; refreshToken: string };
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    const replay = await gql(REFRESH, { t: session.refreshToken });
    expect(replay.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(replay.body.errors?.[0]?.message).toMatch(/already used/);
    const after = await gql(ME, {}, rotated.accessToken);
    expect(after.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('logs out, and reports invalid input as INVALID_REQUEST naming the field', async () => {
    const session = await login();
    const out = await gql('mutation { logout }', {}, session.accessToken);
    expect(out.body.data?.logout).toBe(true);
    expect((await gql(ME, {}, session.accessToken)).body.errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );

    const empty = await gql(LOGIN, { u: '', p: 'x' });
    expect(empty.body.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_REQUEST', field: 'username' });
    const oversized = await gql(LOGIN, { u: 'admin', p: 'x'.repeat(300) });
    expect(oversized.body.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_REQUEST',
      field: 'password',
    });
    const unknownField = await gql('{ nope }');
    expect(unknownField.body.errors?.[0]?.message).toMatch(/nope/);
  });

  it('refuses a request body over the control-plane limit with 413', async () => {
    const response = await fetch(`${relay.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ serverInfo { name } }', variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(response.status).toBe(413);
  });
});
