// Requests at the edges of HTTP that real clients send: methods tRPC does not serve, `curl --http2` (an h2c
// upgrade offer), paths with dot segments, and GraphQL documents nested far too deep. Against a running relay.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { errorOf } from '../support/graphql.js';
import { rawRequest } from '../support/http.js';
import { openRawConnection, type RawConnection, within } from '../support/raw-socket.js';
import { createClaudeAccount, createKey, startTestRelay, type TestRelay } from '../support/relay.js';

const BOUND_MS = 5000;
/** What `curl --http2 http://…` adds to an HTTP/1.1 request. */
const H2C_OFFER =
  'connection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAARAAAAAAAIAAAAA\r\n';
const BODY = JSON.stringify({
  model: 'claude-haiku-4-5',
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hi' }],
});

describe('requests at the edges of HTTP', () => {
  let relay: TestRelay;
  let fake: FakeUpstream;
  let key: string;
  const sockets: RawConnection[] = [];

  beforeAll(async () => {
    fake = await startFakeUpstream();
    relay = await startTestRelay();
    await createClaudeAccount(relay, fake.url);
    key = (await createKey(relay)).plaintext;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await relay.stop();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  /** A GET sent byte for byte: HTTP client libraries resolve dot segments (even `%2e%2e`) before sending. */
  const rawGet = async (path: string) => {
    const connection = openRawConnection(relay.url);
    sockets.push(connection);
    connection.write(
      `GET ${path} HTTP/1.1\r\nhost: relay.test\r\nx-api-key: ${key}\r\n` +
        'anthropic-version: 2023-06-01\r\nconnection: close\r\n\r\n',
    );
    return within(connection.nextResponse(), BOUND_MS, `answer to GET ${path}`);
  };

  it('answers methods tRPC does not serve with 405 and an allow header, in the JSON error shape', async () => {
    for (const method of ['TRACE', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      for (const path of ['/trpc/system.info', '/trpc']) {
        const response = await rawRequest(`${relay.url}${path}`, { method });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 405 });
        expect(response.headers.allow).toBe('GET, POST');
        expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'method_not_allowed' } });
      }
    }
    expect(relay.logs.filter((line) => line.level === 50)).toEqual([]);
  });

  it('serves an h2c upgrade offer (curl --http2) as plain HTTP/1.1, bodies included', async () => {
    const connection = openRawConnection(relay.url);
    sockets.push(connection);
    connection.write(`GET /health HTTP/1.1\r\nhost: relay.test\r\n${H2C_OFFER}\r\n`);
    const health = await within(connection.nextResponse(), BOUND_MS, 'health over an h2c offer');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });

    // The same connection carries on as HTTP/1.1: a relay route with a body, then a chunked one.
    connection.write(
      `POST /v1/messages HTTP/1.1\r\nhost: relay.test\r\n${H2C_OFFER}x-api-key: ${key}\r\n` +
        `anthropic-version: 2023-06-01\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`,
    );
    const message = await within(connection.nextResponse(), BOUND_MS, 'messages over an h2c offer');
    expect(message.status).toBe(200);
    expect(JSON.parse(message.body)).toMatchObject({ type: 'message', role: 'assistant' });

    const half = Math.floor(BODY.length / 2);
    connection.write(
      `POST /v1/messages HTTP/1.1\r\nhost: relay.test\r\n${H2C_OFFER}x-api-key: ${key}\r\n` +
        `content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n` +
        `${half.toString(16)}\r\n${BODY.slice(0, half)}\r\n`,
    );
    connection.write(`${(BODY.length - half).toString(16)}\r\n${BODY.slice(half)}\r\n0\r\n\r\n`);
    const chunked = await within(connection.nextResponse(), BOUND_MS, 'chunked messages over an h2c offer');
    expect(chunked.status).toBe(200);
    expect(fake.requests.map((request) => request.json)).toEqual([JSON.parse(BODY), JSON.parse(BODY)]);
  });

  it('refuses dot segments in relay paths with 400 in the client format, before anything goes upstream', async () => {
    for (const path of [
      '/v1/models/..',
      '/v1/models/.',
      '/v1/models/%2e%2e',
      '/v1/models/%2E%2e',
      '/v1/models/.%2E',
      '/v1/./models',
      '/api/v1/models/../../admin',
      '/v1/models/../messages',
    ]) {
      const response = await rawGet(path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(JSON.parse(response.body)).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', code: 'invalid_request' },
      });
    }
    const gemini = await rawGet('/gemini/v1beta/models/%2e%2e');
    expect(gemini.status).toBe(400);
    expect(JSON.parse(gemini.body).error.status).toBe('INVALID_ARGUMENT');
    expect(fake.requests).toEqual([]);
  });

  it('sends a model id upstream as one encoded path segment, and refuses ids that would be more', async () => {
    expect((await rawGet('/v1/models/claude-haiku-4-5-20251001')).status).toBe(200);
    await rawGet('/v1/models/claude%20haiku');
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/v1/models/claude-haiku-4-5-20251001',
      '/v1/models/claude%20haiku',
    ]);
    fake.reset();
    // An encoded slash would be a second segment, a broken escape no segment at all: no such route.
    for (const path of ['/v1/models/a%2Fb', '/v1/models/a%2fb', '/v1/models/%E0%A4%A']) {
      const response = await rawGet(path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    expect(fake.requests).toEqual([]);
  });

  it('refuses a GraphQL document nested far too deep with a 400 and a stable code', async () => {
    const post = async (query: string, accept: string) => {
      const response = await fetch(`${relay.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as Parameters<typeof errorOf>[0];
      return { status: response.status, code: errorOf(body)?.extensions?.code };
    };
    const nested = (depth: number) => `{${'a{'.repeat(depth)}b${'}'.repeat(depth)}}`;
    // GraphQL over HTTP: request errors are 400 for graphql-response+json; legacy application/json keeps 200.
    expect(await post(nested(10_000), 'application/graphql-response+json')).toEqual({
      status: 400,
      code: 'QUERY_TOO_LARGE',
    });
    expect(await post(nested(10_000), 'application/json')).toEqual({ status: 200, code: 'QUERY_TOO_LARGE' });
    // Within the token limit, the depth limit answers.
    expect(await post(nested(600), 'application/graphql-response+json')).toEqual({
      status: 400,
      code: 'QUERY_TOO_DEEP',
    });
    expect(relay.logs.filter((line) => line.level === 50)).toEqual([]);
  });
});
