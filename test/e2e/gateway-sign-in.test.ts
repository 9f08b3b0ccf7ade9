// Claude Code's gateway sign-in against a running relay: discovery, the device flow approved by a signed-in
// user through GraphQL, the device then served as its bound key (the Anthropic SDK with the bearer token, usage
// recorded against the user's key), refresh with rotation and reuse detection, and every way a sign-in ends:
// denial, reuse of a code, revocation of the device, a disabled user.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveSignIn,
  bearerMessage,
  DEVICE_GRANT,
  pollToken,
  postForm,
  refreshTokens,
  signInDevice,
  startDeviceFlow,
  type TokenAnswer,
} from '../support/gateway.js';
import {
  ADMIN_PASSWORD,
  dataOf,
  errorOf,
  graphql,
  type SignedInUser,
  signedInUser,
  signIn,
} from '../support/graphql.js';
import { rawRequest } from '../support/http.js';
import { createKey, type RelayWithAccount, settled, startRelayWithAccount } from '../support/relay.js';

describe('gateway sign-in (Claude Code /login → cloud gateway)', () => {
  let env: RelayWithAccount;
  let alice: SignedInUser;
  let bob: SignedInUser;

  beforeAll(async () => {
    env = await startRelayWithAccount();
    alice = await signedInUser(env.relay, 'alice', 'member');
    bob = await signedInUser(env.relay, 'bob', 'member');
  });
  afterAll(async () => {
    await env?.stop();
  });

  const sdk = (token: string) =>
    new Anthropic({ apiKey: null, authToken: token, baseURL: env.relay.url, maxRetries: 0 });
  const ask = (token: string) =>
    sdk(token).messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 32,
      messages: [{ role: 'user', content: 'hi' }],
    });

  it('publishes same-origin endpoints for the device and refresh grants', async () => {
    const response = await rawRequest(`${env.relay.url}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    const metadata = JSON.parse(response.body) as Record<string, unknown>;
    const origin = new URL(env.relay.url).origin;
    expect(metadata).toMatchObject({
      issuer: origin,
      device_authorization_endpoint: `${origin}/oauth/device_authorization`,
      token_endpoint: `${origin}/oauth/token`,
      revocation_endpoint: `${origin}/oauth/revoke`,
      grant_types_supported: [DEVICE_GRANT, 'refresh_token'],
    });
    expect(metadata).not.toHaveProperty('authorization_endpoint');
  });

  it('hands out a 256-bit device code, a base-20 user code and the verification URLs', async () => {
    const authorization = await startDeviceFlow(env.relay);
    expect(Buffer.from(authorization.device_code, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(authorization.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    const origin = new URL(env.relay.url).origin;
    expect(authorization.verification_uri).toBe(`${origin}/device`);
    expect(authorization.verification_uri_complete).toBe(
      `${origin}/device?user_code=${authorization.user_code}`,
    );
    expect(authorization).toMatchObject({ expires_in: 600, interval: 5 });
    // The URL the person opens leads to the dashboard's page with the code filled in, not approved.
    const page = await rawRequest(authorization.verification_uri_complete);
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe(`/admin/device?user_code=${authorization.user_code}`);
  });

  it('signs a device in: pending, then approved by the user, then served and billed as their key', async () => {
    const key = await createKey(env.relay, { name: 'alice laptop key', ownerId: alice.id });
    const authorization = await startDeviceFlow(env.relay);
    const pending = await pollToken(env.relay, authorization.device_code);
    expect(pending.status).toBe(400);
    expect(JSON.parse(pending.body)).toMatchObject({ error: 'authorization_pending' });

    // The page shows what is asking before anyone approves it.
    const shown = await graphql(
      env.relay,
      alice,
      'query ($c: String!) { gatewaySignIn(userCode: $c) { userCode surface userAgent } }',
      { c: authorization.user_code.toLowerCase().replace('-', ' ') },
    );
    expect(dataOf(shown, 'gatewaySignIn')).toEqual({
      userCode: authorization.user_code,
      surface: 'claude_code',
      userAgent: 'claude-code/2.1.332',
    });
    await approveSignIn(env.relay, alice, authorization.user_code, key.key.id);

    const answer = await pollToken(env.relay, authorization.device_code);
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const tokens = JSON.parse(answer.body) as TokenAnswer;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, email: 'alice' });
    expect(tokens.refresh_token).toMatch(/^grt_/);

    const message = await ask(tokens.access_token);
    expect(message.content[0]).toMatchObject({ type: 'text' });
    await settled(env.relay);
    const entries = await env.relay.server.services.requestLog.page({ keyId: key.key.id }, 5, undefined);
    expect(entries.items).toHaveLength(1);
    expect(entries.items[0]).toMatchObject({ keyId: key.key.id, userId: alice.id, outcome: 'ok' });

    // A device code is spent once.
    const again = await pollToken(env.relay, authorization.device_code);
    expect(again.status).toBe(400);
    expect(JSON.parse(again.body)).toMatchObject({ error: 'invalid_grant' });
  });

  it('binds to a default key made on first approval, and lists the user its devices', async () => {
    const tokens = await signInDevice(env.relay, bob);
    await ask(tokens.access_token);
    const devices = dataOf<{ nodes: { keyId: string; surface: string; userId: string }[] }>(
      await graphql(env.relay, bob, '{ gatewayDevices { nodes { keyId surface userId } } }'),
      'gatewayDevices',
    );
    expect(devices.nodes).toHaveLength(1);
    expect(devices.nodes[0]).toMatchObject({ surface: 'claude_code', userId: bob.id });
    const key = await env.relay.server.services.apiKeys.get(devices.nodes[0]?.keyId ?? '');
    expect(key).toMatchObject({ ownerId: bob.id, tags: ['gateway'] });
    // A second sign-in reuses the same default key.
    await signInDevice(env.relay, bob);
    const after = dataOf<{ nodes: { keyId: string }[] }>(
      await graphql(env.relay, bob, '{ gatewayDevices { nodes { keyId } } }'),
      'gatewayDevices',
    );
    expect(new Set(after.nodes.map((node) => node.keyId)).size).toBe(1);
    // Alice sees none of Bob's devices, and cannot revoke them.
    const theirs = await graphql(env.relay, alice, '{ gatewayDevices { nodes { userId } } }');
    const seen = dataOf<{ nodes: { userId: string }[] }>(theirs, 'gatewayDevices').nodes;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((node) => node.userId === alice.id)).toBe(true);
    const attempt = await graphql(
      env.relay,
      alice,
      'mutation ($id: ID!) { revokeGatewayDevice(id: $id) { id } }',
      {
        id: devices.nodes[0]
          ? (await env.relay.server.services.gateway.listDevices({ userId: bob.id })).items[0]?.id
          : '',
      },
    );
    expect(errorOf(attempt)?.extensions?.code).toBe('NOT_FOUND');
  });

  it('rotates refresh tokens and ends the device when a spent one comes back', async () => {
    const first = await signInDevice(env.relay, alice);
    const rotated = await refreshTokens(env.relay, first.refresh_token);
    expect(rotated.status).toBe(200);
    const second = JSON.parse(rotated.body) as TokenAnswer;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    await ask(second.access_token);

    const replay = await refreshTokens(env.relay, first.refresh_token);
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.body)).toMatchObject({ error: 'invalid_grant' });
    // The whole family ended: the current refresh token fails too, and so does the access token's next use.
    expect((await refreshTokens(env.relay, second.refresh_token)).status).toBe(401);
    await expect(ask(second.access_token)).rejects.toMatchObject({ status: 401 });
  });

  it('revoking the device in the control plane fails the next refresh and the next request', async () => {
    const tokens = await signInDevice(env.relay, alice);
    await ask(tokens.access_token);
    const devices = await env.relay.server.services.gateway.listDevices({ userId: alice.id });
    const newest = devices.items[0];
    const revoked = await graphql(
      env.relay,
      alice,
      'mutation ($id: ID!) { revokeGatewayDevice(id: $id) { id } }',
      {
        id: newest?.id,
      },
    );
    expect(dataOf<{ id: string }>(revoked, 'revokeGatewayDevice').id).toBe(newest?.id);
    const refused = await refreshTokens(env.relay, tokens.refresh_token);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'invalid_grant' });
    const request = await bearerMessage(env.relay, tokens.access_token);
    expect(request.status).toBe(401);
    expect(request.headers['x-should-retry']).toBe('false');
    expect(JSON.parse(request.body)).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
  });

  it("a disabled user's next request is refused with 401", async () => {
    const carol = await signedInUser(env.relay, 'carol', 'member');
    const tokens = await signInDevice(env.relay, carol);
    await ask(tokens.access_token);
    const adminToken = await signIn(env.relay, 'admin', ADMIN_PASSWORD);
    const disabled = await graphql(
      env.relay,
      { token: adminToken },
      'mutation ($id: ID!) { updateUser(id: $id, input: { disabled: true }) { disabled } }',
      { id: carol.id },
    );
    expect(dataOf<{ disabled: boolean }>(disabled, 'updateUser').disabled).toBe(true);
    await expect(ask(tokens.access_token)).rejects.toMatchObject({ status: 401 });
    expect((await refreshTokens(env.relay, tokens.refresh_token)).status).toBe(401);
  });

  it('a denied sign-in is access_denied, and stays so when polled again', async () => {
    const authorization = await startDeviceFlow(env.relay);
    const denied = await graphql(
      env.relay,
      alice,
      'mutation ($c: String!) { denyGatewaySignIn(userCode: $c) { userCode } }',
      {
        c: authorization.user_code,
      },
    );
    expect(dataOf<{ userCode: string }>(denied, 'denyGatewaySignIn').userCode).toBe(authorization.user_code);
    for (let poll = 0; poll < 2; poll += 1) {
      const answer = await pollToken(env.relay, authorization.device_code);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'access_denied' });
    }
    // Nobody can approve it afterwards.
    const late = await graphql(
      env.relay,
      bob,
      'mutation ($c: String!) { approveGatewaySignIn(userCode: $c) { userCode } }',
      {
        c: authorization.user_code,
      },
    );
    expect(errorOf(late)?.extensions?.code).toBe('CONFLICT');
  });

  it('an approved code cannot be approved again, by the same user or another', async () => {
    const authorization = await startDeviceFlow(env.relay);
    await approveSignIn(env.relay, alice, authorization.user_code);
    const second = await graphql(
      env.relay,
      bob,
      'mutation ($c: String!) { approveGatewaySignIn(userCode: $c) { userCode } }',
      {
        c: authorization.user_code,
      },
    );
    expect(errorOf(second)?.extensions?.code).toBe('CONFLICT');
  });

  it('tells a client polling faster than the interval to slow down', async () => {
    const authorization = await startDeviceFlow(env.relay);
    expect((await pollToken(env.relay, authorization.device_code)).status).toBe(400);
    const fast = await pollToken(env.relay, authorization.device_code);
    expect(JSON.parse(fast.body)).toMatchObject({ error: 'slow_down' });
  });

  it('refuses unknown codes, other keys and malformed forms in the OAuth error shape', async () => {
    const unknown = await pollToken(env.relay, 'not-a-real-device-code');
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: 'invalid_grant' });

    const json = await rawRequest(`${env.relay.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token' }),
    });
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body)).toMatchObject({ error: 'invalid_request' });
    expect(JSON.parse(json.body).error_description).toMatch(/x-www-form-urlencoded/);

    const missing = await postForm(env.relay, '/oauth/token', { grant_type: DEVICE_GRANT });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body)).toMatchObject({ error: 'invalid_request' });
    const twice = await postForm(env.relay, '/oauth/token', {});
    expect(JSON.parse(twice.body)).toMatchObject({ error: 'invalid_request' });
    const grant = await postForm(env.relay, '/oauth/token', { grant_type: 'password' });
    expect(JSON.parse(grant.body)).toMatchObject({ error: 'unsupported_grant_type' });
    // A control-plane refresh token is not a device's.
    const controlPlane = await postForm(env.relay, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: 'rt_whatever',
    });
    expect(controlPlane.status).toBe(401);

    // A key of someone else cannot be bound by naming it.
    const bobKey = await createKey(env.relay, { name: 'bob key', ownerId: bob.id });
    const authorization = await startDeviceFlow(env.relay);
    const stolen = await graphql(
      env.relay,
      alice,
      'mutation ($c: String!, $k: ID) { approveGatewaySignIn(userCode: $c, keyId: $k) { userCode } }',
      {
        c: authorization.user_code,
        k: bobKey.key.id,
      },
    );
    expect(errorOf(stolen)?.extensions?.code).toBe('NOT_FOUND');
    const badCode = await graphql(
      env.relay,
      alice,
      'query { gatewaySignIn(userCode: "AAAA-0000") { userCode } }',
    );
    expect(errorOf(badCode)?.extensions?.code).toBe('INVALID_REQUEST');
  });

  it('revocation (RFC 7009) of the refresh token signs the device out', async () => {
    const tokens = await signInDevice(env.relay, alice);
    const revoked = await postForm(env.relay, '/oauth/revoke', {
      token: tokens.refresh_token,
      token_type_hint: 'refresh_token',
    });
    expect(revoked.status).toBe(200);
    await expect(ask(tokens.access_token)).rejects.toMatchObject({ status: 401 });
    // Unknown tokens are not an error (RFC 7009 §2.2).
    expect((await postForm(env.relay, '/oauth/revoke', { token: 'nonsense' })).status).toBe(200);
  });
});
