// GraphQL over real HTTP for tests: a small client, and signed-in users of every role on a test relay.
import type { Role } from '../../src/services/users/user-types.js';
import type { TestRelay } from './relay.js';

export interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

export const USER_PASSWORD = 'a long enough password';
export const ADMIN_PASSWORD = 'test admin password';

export type Caller = { token?: string; apiKey?: string } | undefined;

export async function graphql(
  relay: TestRelay,
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse> {
  const response = await fetch(`${relay.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(caller?.token ? { authorization: `Bearer ${caller.token}` } : {}),
      ...(caller?.apiKey ? { 'x-api-key': caller.apiKey } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse;
}

/** The named field of a response's data; throws with the errors when it is missing. */
export function dataOf<T>(response: GraphQLResponse, field: string): T {
  const value = response.data?.[field];
  if (value === undefined || value === null)
    throw new Error(`no ${field}: ${JSON.stringify(response.errors)}`);
  return value as T;
}

export function errorOf(response: GraphQLResponse) {
  return response.errors?.[0];
}

const LOGIN = 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }';

export async function signIn(relay: TestRelay, username: string, password = USER_PASSWORD): Promise<string> {
  const response = await graphql(relay, undefined, LOGIN, { u: username, p: password });
  return dataOf<{ accessToken: string }>(response, 'login').accessToken;
}

export interface SignedInUser {
  id: string;
  token: string;
}

/** Creates `username` with `role` (directly through the service) and signs them in. */
export async function signedInUser(relay: TestRelay, username: string, role: Role): Promise<SignedInUser> {
  const user = await relay.server.services.users.create({ username, password: USER_PASSWORD, role });
  return { id: user.id, token: await signIn(relay, username) };
}
