// Sign-in limits against a running relay over real HTTP: a tRPC batch of wrong passwords and parallel GraphQL
// logins never get more guesses than the limit, and an attacker's failures do not lock the admin out from
// other addresses (the relay trusts X-Forwarded-For here, as behind a proxy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayTrpcClient } from '../../clients/trpc.js';
import { DEFAULT_LOGIN_LIMITS } from '../../src/services/auth/login-limiter.js';
import { ADMIN_PASSWORD, type GraphQLResponse } from '../support/graphql.js';
import { startTestRelay, type TestRelay } from '../support/relay.js';
import { refusal } from '../support/trpc.js';

const LIMIT = DEFAULT_LOGIN_LIMITS.freeAttempts;
const LOGIN = 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }';

describe('sign-in limits on a running relay', () => {
  let relay: TestRelay;

  beforeAll(async () => {
    relay = await startTestRelay({ env: { TRUST_PROXY: 'true' } });
    await relay.server.services.users.create({
      username: 'racer',
      password: 'a long enough password',
      role: 'viewer',
    });
  });
  afterAll(async () => {
    await relay.stop();
  });

  /** A GraphQL login from `address`, answered with its response and `retry-after` header. */
  const graphqlLogin = async (address: string, username: string, password: string) => {
    const response = await fetch(`${relay.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ query: LOGIN, variables: { u: username, p: password } }),
    });
    return (await response.json()) as GraphQLResponse;
  };
  const codeOf = (response: GraphQLResponse) =>
    response.data?.login ? 'OK' : (response.errors?.[0]?.extensions?.code ?? 'NONE');

  it('answers at most the limit of wrong passwords from one tRPC batch, refusing the rest', async () => {
    const attacker = createRelayTrpcClient(relay.url, () => ({ 'x-forwarded-for': '203.0.113.1' }));
    // Twenty calls in one tick travel as one batch, which the server runs concurrently.
    const refusals = await Promise.all(
      Array.from({ length: 20 }, (_unused, index) =>
        refusal(attacker.auth.login.mutate({ username: 'admin', password: `wrong password ${index}` })),
      ),
    );
    const codes = refusals.map((item) => item.appCode);
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(LIMIT);
    const limited = refusals.filter((item) => item.appCode === 'RATE_LIMITED');
    expect(limited).toHaveLength(20 - LIMIT);
    for (const item of limited) expect(item.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('answers at most the limit of 30 parallel GraphQL logins', async () => {
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_unused, index) =>
        graphqlLogin('203.0.113.2', 'racer', `wrong password ${index}`),
      ),
    );
    const codes = responses.map(codeOf);
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(LIMIT);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(30 - LIMIT);
  });

  it("does not lock the admin out from elsewhere after an attacker's failures", async () => {
    const attacker = '203.0.113.3';
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      expect(codeOf(await graphqlLogin(attacker, 'admin', 'wrong password'))).toBe('UNAUTHENTICATED');
    }
    const refused = await graphqlLogin(attacker, 'admin', ADMIN_PASSWORD);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(codeOf(await graphqlLogin('198.51.100.20', 'admin', ADMIN_PASSWORD))).toBe('OK');
  });
});
