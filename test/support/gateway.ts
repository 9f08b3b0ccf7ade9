// The client side of Claude Code's gateway sign-in, for tests: the form posts its `/login` sends, and the
// approval a signed-in user gives on the verification page (through GraphQL, as the page does).
import { type Caller, dataOf, graphql } from './graphql.js';
import { type RawResponse, rawRequest } from './http.js';
import type { TestRelay } from './relay.js';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const USER_AGENT = 'claude-code/2.1.332';

export function postForm(
  relay: TestRelay,
  path: string,
  fields: Record<string, string>,
): Promise<RawResponse> {
  return rawRequest(`${relay.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': USER_AGENT },
    body: new URLSearchParams(fields).toString(),
  });
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

export interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  email?: string;
}

export async function startDeviceFlow(relay: TestRelay): Promise<DeviceAuthorization> {
  const response = await postForm(relay, '/oauth/device_authorization', { surface: 'claude_code' });
  if (response.status !== 200) throw new Error(`device authorization: ${response.status} ${response.body}`);
  return JSON.parse(response.body) as DeviceAuthorization;
}

export function pollToken(relay: TestRelay, deviceCode: string): Promise<RawResponse> {
  return postForm(relay, '/oauth/token', { grant_type: DEVICE_GRANT, device_code: deviceCode });
}

export function refreshTokens(relay: TestRelay, refreshToken: string): Promise<RawResponse> {
  return postForm(relay, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken });
}

const APPROVE = `mutation ($code: String!, $key: ID) {
  approveGatewaySignIn(userCode: $code, keyId: $key) { userCode surface }
}`;

export async function approveSignIn(
  relay: TestRelay,
  user: Caller,
  userCode: string,
  keyId?: string,
): Promise<{ userCode: string; surface: string | null }> {
  const response = await graphql(relay, user, APPROVE, { code: userCode, key: keyId ?? null });
  return dataOf(response, 'approveGatewaySignIn');
}

/** A whole sign-in: device code, approval by `user`, tokens. */
export async function signInDevice(relay: TestRelay, user: Caller, keyId?: string): Promise<TokenAnswer> {
  const authorization = await startDeviceFlow(relay);
  await approveSignIn(relay, user, authorization.user_code, keyId);
  const answer = await pollToken(relay, authorization.device_code);
  if (answer.status !== 200) throw new Error(`token: ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as TokenAnswer;
}

/** A small Messages request with a device's bearer token, raw, so status and headers can be checked. */
export function bearerMessage(relay: TestRelay, accessToken: string): Promise<RawResponse> {
  return rawRequest(`${relay.url}/v1/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'x' }],
    }),
  });
}
