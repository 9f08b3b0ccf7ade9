// GraphQL subscriptions over real graphql-ws sockets on two relay instances sharing Redis: events of requests
// served by one instance reach subscribers of the other within a second; connections need a valid token;
// members see only their own keys; account state changes arrive; unsubscribing ends the server-side stream.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  AccountStateChangesDocument,
  RequestLogTailDocument,
  ServerInfoDocument,
  UsageTicksDocument,
} from '../../clients/generated/graphql/graphql.js';
import { RelayGraphQLError } from '../../clients/graphql-client.js';
import { createRelayLiveClient, type RelayLiveClient } from '../../clients/live-client.js';
import type { Account } from '../../src/services/accounts/account-types.js';
import type { FakeUpstream } from '../support/fake-upstream/index.js';
import {
  createClaudeAccount,
  createKey,
  type RelayPair,
  startRelayPair,
  startTestRelay,
  type TestRelay,
} from '../support/relay.js';

const ADMIN_PASSWORD = 'test admin password';
const MEMBER_PASSWORD = 'a long enough password';

describe('GraphQL subscriptions over graphql-ws', () => {
  let pair: RelayPair;
  let fake: FakeUpstream;
  let first: TestRelay;
  let second: TestRelay;
  let account: Account;
  let adminToken: string;
  let memberToken: string;
  let memberId: string;
  const clients: RelayLiveClient[] = [];

  const login = async (relay: TestRelay, username: string, password: string) => {
    const response = await fetch(`${relay.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }',
        variables: { u: username, p: password },
      }),
    });
    const body = (await response.json()) as { data?: { login?: { accessToken: string } } };
    const token = body.data?.login?.accessToken;
    if (!token) throw new Error(`login failed: ${JSON.stringify(body)}`);
    return token;
  };

  beforeAll(async () => {
    pair = await startRelayPair({ withAccount: false });
    ({ fake, first, second } = pair);
    account = await createClaudeAccount(first, fake.url);
    adminToken = await login(first, 'admin', ADMIN_PASSWORD);
    memberId = (
      await first.server.services.users.create({ username: 'mia', password: MEMBER_PASSWORD, role: 'member' })
    ).id;
    memberToken = await login(first, 'mia', MEMBER_PASSWORD);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await pair.stop();
  });

  /** A real graphql-ws client (the `ws` implementation) that does not reconnect, so refusals surface. */
  const connect = (relay: TestRelay, accessToken: string | undefined) => {
    const client = createRelayLiveClient(relay.url, {
      accessToken: () => accessToken,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    clients.push(client);
    return client;
  };
  const nextOf = async <T>(stream: AsyncIterator<T>): Promise<T> => {
    const next = await stream.next();
    if (next.done) throw new Error('subscription ended');
    return next.value;
  };
  /** What the first read of a refused subscription throws: the error's code, or the socket's close code. */
  const refusalOf = (stream: AsyncIterator<unknown>) =>
    stream.next().then(
      (next) => `unexpected ${JSON.stringify(next)}`,
      (error: unknown) =>
        error instanceof RelayGraphQLError
          ? `${error.code} ${error.field ?? ''}`.trim()
          : (error as { code?: number }).code,
    );
  /**
   * Waits until the instance has this many live subscriptions set up. graphql-ws does not acknowledge a
   * subscription, so there is no event to await; this polls the server's own count.
   */
  const liveOn = async (relay: TestRelay, count: number) => {
    const deadline = Date.now() + 5000;
    while (relay.server.services.liveFeed.openSubscriptions !== count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} live subscriptions`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const ask = (relay: TestRelay, apiKey: string) =>
    new Anthropic({ apiKey, baseURL: relay.url, maxRetries: 0 }).messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

  it('delivers the usage tick and the ledger entry of a request served by another instance within 1 s', async () => {
    const issued = await createKey(second);
    const client = connect(first, adminToken);
    const ticks = client.subscribe(UsageTicksDocument, { scope: 'global' });
    const tail = client.subscribe(RequestLogTailDocument, { filter: { keyId: issued.key.id } });
    await liveOn(first, 2);

    const { response } = await ask(second, issued.plaintext);
    const answeredAt = performance.now();
    const event = (await nextOf(tail)).requestLogTail;
    const entry = event.entry;
    const entryAfter = performance.now() - answeredAt;
    const tick = (await nextOf(ticks)).usageTicks;
    const tickAfter = performance.now() - answeredAt;

    expect(entry).toMatchObject({
      requestId: response.headers.get('x-request-id'),
      keyId: issued.key.id,
      accountId: account.id,
      outcome: 'ok',
      status: 200,
      clientFormat: 'anthropic',
      upstreamFormat: 'anthropic',
      attempts: 1,
    });
    expect(event.dropped).toBe(0);
    expect(tick).toMatchObject({ scope: 'global', id: null, requests: 1, intervals: 1 });
    expect(tick.inputTokens).toBe(entry.inputTokens);
    expect(tick.outputTokens).toBe(entry.outputTokens);
    expect(tick.costMicros).toBe(entry.costMicros);
    expect(entryAfter).toBeLessThan(1000);
    expect(tickAfter).toBeLessThan(1000);
    console.info(
      `live latency after the response ended: ledger entry ${entryAfter.toFixed(1)} ms, usage tick ${tickAfter.toFixed(1)} ms`,
    );

    // Unsubscribing ends the server-side streams.
    await ticks.return?.();
    await tail.return?.();
    await liveOn(first, 0);
  });

  it('refuses connections without a token or with a bad one', async () => {
    const anonymous = connect(first, undefined).subscribe(UsageTicksDocument, { scope: 'global' });
    expect(await refusalOf(anonymous)).toBe(4403);
    const badToken = connect(first, 'eyJhbGciOiJIUzI1NiJ9.e30.bad').subscribe(UsageTicksDocument, {
      scope: 'global',
    });
    expect(await refusalOf(badToken)).toBe(4403);
    expect(first.server.services.liveFeed.openSubscriptions).toBe(0);
  });

  it('validates arguments naming the field, and serves subscriptions only over the socket', async () => {
    const client = connect(first, adminToken);
    expect(await refusalOf(client.subscribe(UsageTicksDocument, { scope: 'global', id: 'key_x' }))).toBe(
      'INVALID_REQUEST id',
    );
    expect(await refusalOf(client.subscribe(UsageTicksDocument, { scope: 'key' }))).toBe(
      'INVALID_REQUEST id',
    );
    // Queries and mutations go over HTTP.
    expect(await refusalOf(client.subscribe(ServerInfoDocument, {}))).toBe('INVALID_REQUEST');

    // Over HTTP, subscriptions are refused before any stream opens (they rely on the socket's bounds).
    const overHttp = await fetch(`${first.url}/graphql`, {
      method: 'POST',
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${adminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ query: 'subscription { requestLogTail { entry { requestId } } }' }),
    });
    expect(overHttp.status).toBe(400);
    expect(await overHttp.text()).toContain('"code":"INVALID_REQUEST"');
    expect(first.server.services.liveFeed.openSubscriptions).toBe(0);
  });

  it("lets a member watch only its own keys' events", async () => {
    const own = await createKey(first, { ownerId: memberId });
    const foreign = await createKey(first);
    const client = connect(first, memberToken);

    expect(await refusalOf(client.subscribe(UsageTicksDocument, { scope: 'global' }))).toBe(
      'PERMISSION_DENIED',
    );
    expect(await refusalOf(client.subscribe(UsageTicksDocument, { scope: 'account', id: account.id }))).toBe(
      'PERMISSION_DENIED',
    );
    expect(await refusalOf(client.subscribe(UsageTicksDocument, { scope: 'key', id: foreign.key.id }))).toBe(
      'NOT_FOUND id',
    );
    expect(
      await refusalOf(client.subscribe(RequestLogTailDocument, { filter: { keyId: foreign.key.id } })),
    ).toBe('NOT_FOUND keyId');
    expect(
      await refusalOf(client.subscribe(RequestLogTailDocument, { filter: { accountId: account.id } })),
    ).toBe('PERMISSION_DENIED accountId');
    expect(await refusalOf(client.subscribe(AccountStateChangesDocument, {}))).toBe('PERMISSION_DENIED');

    const tail = client.subscribe(RequestLogTailDocument, {});
    const ticks = client.subscribe(UsageTicksDocument, { scope: 'key', id: own.key.id });
    await liveOn(first, 2);
    // The foreign key's request comes first: were it not filtered out, it would be the first event.
    const { response: foreignResponse } = await ask(second, foreign.plaintext);
    const { response } = await ask(second, own.plaintext);
    const entry = (await nextOf(tail)).requestLogTail.entry;
    expect(entry).toMatchObject({ requestId: response.headers.get('x-request-id'), keyId: own.key.id });
    expect(entry.requestId).not.toBe(foreignResponse.headers.get('x-request-id'));
    // Members do not see accounts.
    expect(entry.accountId).toBeNull();
    expect((await nextOf(ticks)).usageTicks).toMatchObject({ scope: 'key', id: own.key.id, requests: 1 });

    await tail.return?.();
    await ticks.return?.();
    await liveOn(first, 0);
  });

  it('announces account state changes made on another instance', async () => {
    const client = connect(first, adminToken);
    const changes = client.subscribe(AccountStateChangesDocument, { accountId: account.id });
    await liveOn(first, 1);
    const issued = await createKey(second);

    fake.enqueue({ status: 529, errorType: 'overloaded_error', errorMessage: 'Overloaded' });
    await expect(ask(second, issued.plaintext)).rejects.toMatchObject({ status: 529 });
    const cooling = (await nextOf(changes)).accountStateChanges;
    expect(cooling).toMatchObject({ accountId: account.id, from: 'active', to: 'cooling', dropped: 0 });
    expect(cooling.until).not.toBeNull();

    await second.server.services.health.reset(account.id, account.platform);
    expect((await nextOf(changes)).accountStateChanges).toMatchObject({
      accountId: account.id,
      to: 'active',
      reason: 'reset',
      until: null,
    });
    await changes.return?.();
    await liveOn(first, 0);
  });

  /** The HTTP status a WebSocket upgrade is refused with (or the error, when it is not refused that way). */
  const upgradeRefusal = (url: string) => {
    const socket = new WebSocket(url);
    return new Promise<string>((resolve) => {
      socket.on('unexpected-response', (request, response) => {
        request.destroy();
        resolve(String(response.statusCode));
      });
      socket.on('error', (error) => resolve(error.message));
      socket.on('open', () => {
        socket.close();
        resolve('open');
      });
    });
  };

  it('refuses connections beyond LIVE_MAX_CONNECTIONS with 503', async () => {
    const small = await startTestRelay({ env: { LIVE_MAX_CONNECTIONS: '1' } });
    try {
      const url = `${small.url.replace(/^http/, 'ws')}/graphql`;
      const held = new WebSocket(url, 'graphql-transport-ws');
      await new Promise<void>((resolve, reject) => {
        held.once('open', () => resolve());
        held.once('error', reject);
      });
      expect(await upgradeRefusal(url)).toBe('503');
      const closed = new Promise<void>((resolve) => held.once('close', () => resolve()));
      held.close();
      await closed;
      // The server frees the slot when it sees the close; a new connection then gets in.
      const deadline = Date.now() + 2000;
      let outcome = await upgradeRefusal(url);
      while (outcome !== 'open' && Date.now() < deadline) outcome = await upgradeRefusal(url);
      expect(outcome).toBe('open');
    } finally {
      await small.stop();
    }
  });

  it('closes subscribers when the instance stops, and refuses upgrades on other paths', async () => {
    const refused = await upgradeRefusal(`${second.url.replace(/^http/, 'ws')}/elsewhere`);
    expect(refused).toBe('404');

    const tail = connect(second, adminToken).subscribe(RequestLogTailDocument, {});
    await liveOn(second, 1);
    const ended = refusalOf(tail);
    await second.server.stop();
    // 1001 (going away): graphql-ws clients reconnect, to another instance behind the balancer.
    expect(await ended).toBe(1001);
    expect(second.server.services.liveFeed.openSubscriptions).toBe(0);
  });
});
