// What /graphql shows to other web origins and to anonymous callers: no CORS unless origins are configured
// (then exactly those), and no introspection in production unless enabled, over HTTP and over graphql-ws.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RelayGraphQLError } from '../../clients/graphql-client.js';
import { createRelayLiveClient } from '../../clients/live-client.js';
import { errorOf, graphql } from '../support/graphql.js';
import { rawRequest } from '../support/http.js';
import { startTestRelay, type TestRelay } from '../support/relay.js';

const INTROSPECTION = '{ __schema { queryType { name } } }';
const TYPE_LOOKUP = '{ __type(name: "Query") { name } }';

const preflight = (relay: TestRelay, origin: string) =>
  rawRequest(`${relay.url}/graphql`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

const postFrom = (relay: TestRelay, origin: string) =>
  rawRequest(`${relay.url}/graphql`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });

describe('CORS on /graphql', () => {
  let closed: TestRelay;
  let open: TestRelay;

  beforeAll(async () => {
    closed = await startTestRelay();
    open = await startTestRelay({
      env: { CORS_ORIGINS: 'https://dash.example.com, http://localhost:5173' },
    });
  });
  afterAll(async () => {
    await closed.stop();
    await open.stop();
  });

  it('answers no origin at all when none is configured', async () => {
    for (const response of [
      await preflight(closed, 'https://evil.example'),
      await postFrom(closed, 'https://evil.example'),
    ]) {
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    }
    // Same-origin and non-browser callers are unaffected.
    expect((await postFrom(closed, 'https://evil.example')).status).toBe(200);
  });

  it('allows exactly the configured origins', async () => {
    for (const origin of ['https://dash.example.com', 'http://localhost:5173']) {
      const allowed = await preflight(open, origin);
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(origin);
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      expect(allowed.headers.vary).toContain('Origin');
      expect((await postFrom(open, origin)).headers['access-control-allow-origin']).toBe(origin);
    }
    for (const origin of [
      'https://evil.example',
      'https://dash.example.com.evil.example',
      'http://dash.example.com',
      'null',
    ]) {
      const refused = await preflight(open, origin);
      expect({ origin, allowed: refused.headers['access-control-allow-origin'] }).toEqual({
        origin,
        allowed: undefined,
      });
      expect((await postFrom(open, origin)).headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});

describe('introspection', () => {
  let production: TestRelay;
  let enabled: TestRelay;
  let development: TestRelay;

  beforeAll(async () => {
    production = await startTestRelay({ env: { NODE_ENV: 'production' } });
    enabled = await startTestRelay({ env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' } });
    development = await startTestRelay({ env: { NODE_ENV: 'development' } });
  });
  afterAll(async () => {
    await production.stop();
    await enabled.stop();
    await development.stop();
  });

  it('is refused in production with a stable code, over HTTP', async () => {
    for (const query of [INTROSPECTION, TYPE_LOOKUP]) {
      const response = await graphql(production, undefined, query);
      expect({ query, code: errorOf(response)?.extensions?.code }).toEqual({
        query,
        code: 'INTROSPECTION_DISABLED',
      });
      expect(response.data ?? undefined).toBeUndefined();
    }
    // __typename is not introspection: clients (and caches) rely on it.
    expect((await graphql(production, undefined, '{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('is refused in production over graphql-ws too', async () => {
    const token = (await production.server.services.auth.login('admin', 'test admin password', '127.0.0.1'))
      .accessToken;
    const client = createRelayLiveClient(production.url, {
      accessToken: () => token,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    try {
      const document = parse(INTROSPECTION) as TypedDocumentNode<unknown, Record<string, never>>;
      const refusal = await client
        .subscribe(document, {})
        .next()
        .then(
          (next) => `unexpected ${JSON.stringify(next)}`,
          (error: unknown) => (error instanceof RelayGraphQLError ? error.code : String(error)),
        );
      expect(refusal).toBe('INTROSPECTION_DISABLED');
    } finally {
      await client.dispose();
    }
  });

  it('is served in production when GRAPHQL_INTROSPECTION=true, and outside production', async () => {
    for (const relay of [enabled, development]) {
      const response = await graphql(relay, undefined, INTROSPECTION);
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    }
  });
});
