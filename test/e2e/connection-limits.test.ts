// Connections that hold the relay without finishing a request: refused requests close their socket without
// reading the rest of the body, headers/body/keep-alive idleness is cut on every connection, sockets that never
// carried an authenticated request are bounded, and control-plane bodies are cut at their limit whatever their
// framing. Responses in progress are never cut. Real sockets against a running relay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { rawRequest } from '../support/http.js';
import { openRawConnection, type RawConnection, within } from '../support/raw-socket.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';

/** Far above every timeout configured below: the server had every chance to act by then. */
const BOUND_MS = 5000;
const BODY = JSON.stringify({
  model: 'claude-haiku-4-5',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hi' }],
});

function head(method: string, path: string, headers: Record<string, string | number>): string {
  const lines = Object.entries({ host: 'relay.test', ...headers }).map(
    ([name, value]) => `${name}: ${value}`,
  );
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** A body sent with chunked transfer encoding: `size` bytes of JSON-ish filler, no content-length. */
function chunkedBody(size: number): Buffer {
  const filler = Buffer.alloc(size, 0x20);
  filler.write('{"query":"{ serverInfo { name } }","x":"', 0);
  return Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), filler, Buffer.from('\r\n')]);
}

describe('connections that do not finish their requests', () => {
  let relay: TestRelay;
  let fake: FakeUpstream;
  let key: string;
  const sockets: RawConnection[] = [];
  const open = (target: TestRelay = relay) => {
    const connection = openRawConnection(target.url);
    sockets.push(connection);
    return connection;
  };

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay({
      env: {
        HTTP_HEADERS_TIMEOUT_MS: '300',
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        HTTP_BODY_IDLE_TIMEOUT_MS: '300',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '300',
      },
    });
    await createClaudeAccount(relay, fake.url);
    key = (await createKey(relay)).plaintext;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await relay.stop();
    await fake.close();
  });

  it('answers a refused request and closes its socket without reading the declared body', async () => {
    const refusals = [
      // No key, a wrong key: 401 before the body is read.
      { headers: {}, status: 401 },
      { headers: { 'x-api-key': 'cr_not-a-real-key' }, status: 401 },
      // A valid key with a body declared over the limit: 413 before it is read.
      { headers: { 'x-api-key': 'KEY', 'content-length': 64 * 1024 * 1024 }, status: 413 },
    ];
    const connections = Array.from({ length: 30 }, (_, index) => {
      const refusal = refusals[index % refusals.length] ?? { headers: {}, status: 401 };
      const headers = Object.fromEntries(
        Object.entries(refusal.headers).map(([name, value]) => [name, value === 'KEY' ? key : value]),
      );
      const connection = open();
      connection.write(
        head('POST', '/v1/messages', {
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          'content-length': 10_000_000,
          ...headers,
        }),
      );
      // A first slice of the declared body, then nothing more.
      connection.write('{"model":"claude-haiku-4-5","messages":[');
      return { connection, status: refusal.status };
    });
    for (const { connection, status } of connections) {
      const response = await within(connection.nextResponse(), BOUND_MS, 'refusal');
      expect(response.status).toBe(status);
      expect(response.headers.connection).toBe('close');
      await within(connection.closed, BOUND_MS, 'refused connection closed by the server');
    }
  });

  it('cuts a body that stalls, even with a valid key', async () => {
    const connection = open();
    connection.write(
      head('POST', '/v1/messages', {
        'x-api-key': key,
        'content-type': 'application/json',
        'content-length': 5000,
      }),
    );
    connection.write('{"model":"claude-haiku-4-5",');
    const response = await within(connection.nextResponse(), BOUND_MS, 'answer to a stalled body');
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toMatchObject({ type: 'error', error: { code: 'request_timeout' } });
    expect(response.headers.connection).toBe('close');
    await within(connection.closed, BOUND_MS, 'stalled body connection closed');
  });

  it('cuts stalled bodies on the control plane too (the whole request has a deadline)', async () => {
    const connection = open();
    connection.write(
      head('POST', '/graphql', { 'content-type': 'application/json', 'content-length': 5000 }),
    );
    connection.write('{"query":"{ serverInfo');
    await within(connection.closed, BOUND_MS, 'stalled GraphQL body connection closed');
  });

  it('cuts connections that stall in their headers, send nothing, or idle after a response', async () => {
    const partialHeaders = open();
    partialHeaders.write('POST /v1/messages HTTP/1.1\r\nhost: relay.test\r\nx-api-');
    const silent = open();
    const keptAlive = open();
    keptAlive.write(head('GET', '/health', {}));
    expect((await within(keptAlive.nextResponse(), BOUND_MS, 'health answer')).status).toBe(200);
    await within(partialHeaders.closed, BOUND_MS, 'connection stalled in its headers closed');
    await within(silent.closed, BOUND_MS, 'silent connection closed');
    await within(keptAlive.closed, BOUND_MS, 'idle keep-alive connection closed');
  });

  it('never cuts a response in progress, however long the upstream is silent', async () => {
    // Longer than the request deadline and every idle timeout above.
    fake.enqueue({ delayFirstByteMs: 1500 });
    const slow = await rawRequest(`${relay.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: BODY,
    });
    expect(slow.status).toBe(200);
    fake.enqueue({ eventDelayMs: 350, chunks: 1 });
    const streamed = await rawRequest(`${relay.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...JSON.parse(BODY), stream: true }),
    });
    expect(streamed.status).toBe(200);
    expect(streamed.body).toContain('message_stop');
  });

  it('cuts GraphQL and tRPC bodies without a content-length at their limit with 413', async () => {
    const limit = 1024 * 1024;
    for (const path of ['/graphql', '/trpc/auth.login']) {
      const connection = open();
      connection.write(
        head('POST', path, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }),
      );
      // One byte over the limit, then silence: the server has read everything it was sent when it refuses.
      connection.write(chunkedBody(limit / 2));
      connection.write(chunkedBody(limit / 2 + 1));
      const response = await within(connection.nextResponse(), BOUND_MS, `${path} answer`);
      expect({ path, status: response.status }).toEqual({ path, status: 413 });
      const body = JSON.parse(response.body);
      const code = path === '/graphql' ? body.errors?.[0]?.extensions?.code : body.error?.data?.appCode;
      expect({ path, code }).toEqual({ path, code: 'PAYLOAD_TOO_LARGE' });
      await within(connection.closed, BOUND_MS, `${path} connection closed`);
    }
  });
});

describe('connections held without authenticating', () => {
  let relay: TestRelay;
  let key: string;
  let token: string;
  const sockets: RawConnection[] = [];
  const open = () => {
    const connection = openRawConnection(relay.url);
    sockets.push(connection);
    return connection;
  };
  /** A connection the server accepted and answered once, then held open (keep-alive) without a key. */
  const held = async () => {
    const connection = open();
    connection.write(head('GET', '/health', {}));
    expect((await within(connection.nextResponse(), BOUND_MS, 'held connection answer')).status).toBe(200);
    return connection;
  };
  const expectRefused = async (connection: RawConnection) => {
    const response = await within(
      connection.nextResponse(),
      BOUND_MS,
      'refusal of a connection over the bound',
    );
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    await within(connection.closed, BOUND_MS, 'refused connection closed');
  };

  beforeAll(async () => {
    relay = await startTestRelay({ env: { HTTP_MAX_UNAUTHENTICATED_CONNECTIONS: '4' } });
    key = (await createKey(relay)).plaintext;
    // Signed in through the service, so no HTTP connection of the test's own is counted.
    token = (await relay.server.services.auth.login('admin', 'test admin password', '127.0.0.1')).accessToken;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await relay.stop();
  });

  it('refuses new connections past the bound; authenticating on a held one frees its slot', async () => {
    const first = await held();
    const second = await held();
    const third = await held();
    await held();
    await expectRefused(open());

    // A relay key that authenticates (the request itself is then refused for its body) frees the slot.
    const badBody = head('POST', '/v1/messages', {
      'x-api-key': key,
      'content-type': 'application/json',
      'content-length': 1,
    });
    first.write(`${badBody}{`);
    expect((await within(first.nextResponse(), BOUND_MS, 'bad body')).status).toBe(400);
    await held();
    await expectRefused(open());

    // So does a signed-in control-plane user, over GraphQL and over tRPC.
    const query = JSON.stringify({ query: '{ serverInfo { name } }' });
    second.write(
      head('POST', '/graphql', {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(query),
      }) + query,
    );
    expect((await within(second.nextResponse(), BOUND_MS, 'graphql answer')).status).toBe(200);
    third.write(head('GET', '/trpc/system.info', { authorization: `Bearer ${token}` }));
    expect((await within(third.nextResponse(), BOUND_MS, 'trpc answer')).status).toBe(200);
    await held();
    await held();
    await expectRefused(open());

    // Connections that authenticated keep being served while the bound is full.
    first.write(`${badBody}{`);
    expect((await within(first.nextResponse(), BOUND_MS, 'second request')).status).toBe(400);
  });
});
