import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { anthropicErrorShape, jsonErrorShape } from '../../src/errors/shapes.js';
import { type App, buildApp } from '../../src/http/app.js';
import { readBody } from '../../src/http/read-body.js';
import { RouteTable } from '../../src/http/route-table.js';
import { sendJson } from '../../src/http/send.js';
import { createLogger } from '../../src/lib/logger.js';
import { relayErrorShapeFor } from '../../src/relay/routes.js';
import { connectionRefused, rawRequest } from '../support/http.js';

const silent = createLogger({
  level: 'info',
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('HTTP app', () => {
  const apps: App[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });

  async function start(overrides: Partial<Parameters<typeof buildApp>[0]> = {}) {
    const app = buildApp({
      logger: silent,
      bodyLimitBytes: 2048,
      shutdownTimeoutMs: 5000,
      connections: {
        headersTimeoutMs: 30_000,
        requestTimeoutMs: 300_000,
        bodyIdleTimeoutMs: 30_000,
        keepAliveTimeoutMs: 65_000,
        maxUnauthenticated: 256,
      },
      checkReady: async () => undefined,
      errorShapeFor: relayErrorShapeFor,
      ...overrides,
    });
    apps.push(app);
    const { url } = await app.start(0);
    return { app, url };
  }

  it('answers /health and /ready, with a request id on every response', async () => {
    const { url } = await start();
    const health = await rawRequest(`${url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers['x-request-id']).toMatch(/^req_/);
    expect((await rawRequest(`${url}/ready`)).status).toBe(200);
    // A client's own id is echoed in its own header; the request id is always the relay's.
    const echoed = await rawRequest(`${url}/health`, { headers: { 'x-request-id': 'client-chosen-id-1' } });
    expect(echoed.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    expect(echoed.headers['x-client-request-id']).toBe('client-chosen-id-1');
    const refused = await rawRequest(`${url}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(refused.headers['x-request-id']).toMatch(/^req_/);
    expect(refused.headers['x-client-request-id']).toBeUndefined();
  });

  it('reports not ready when the store does not answer', async () => {
    const { url } = await start({ checkReady: async () => Promise.reject(new Error('down')) });
    const ready = await rawRequest(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body).status).toBe('unavailable');
  });

  it('answers unknown paths with 404 in the shape of the client the path belongs to', async () => {
    const { url } = await start();
    const plain = await rawRequest(`${url}/nothing-here`);
    expect(plain.status).toBe(404);
    expect(JSON.parse(plain.body).error.code).toBe('not_found');
    const gemini = await rawRequest(`${url}/gemini/v1beta/unknown`);
    expect(JSON.parse(gemini.body).error.status).toBe('NOT_FOUND');
    const anthropic = await rawRequest(`${url}/v1/unknown`);
    expect(JSON.parse(anthropic.body)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('enforces the body size limit with 413 on both the relay table and express routes', async () => {
    const routes = new RouteTable().add('POST', '/v1/echo', {
      handler: async (req, res) => {
        const body = await readBody(req, 2048);
        sendJson(res, 200, { bytes: body.length });
      },
      errors: anthropicErrorShape,
    });
    const { url } = await start({
      routes,
      mount: (app) => app.post('/admin/echo', (req, res) => sendJson(res, 200, req.body)),
    });
    const small = await rawRequest(`${url}/v1/echo`, { method: 'POST', body: 'x'.repeat(100) });
    expect(JSON.parse(small.body)).toEqual({ bytes: 100 });
    const large = await rawRequest(`${url}/v1/echo`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(large.status).toBe(413);
    expect(JSON.parse(large.body).error.type).toBe('request_too_large');
    const json = await rawRequest(`${url}/admin/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'y'.repeat(5000) }),
    });
    expect(json.status).toBe(413);
    expect(JSON.parse(json.body).error.code).toBe('payload_too_large');
    const malformed = await rawRequest(`${url}/admin/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"oops"',
    });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error.code).toBe('invalid_json');
  });

  it('finishes a request in flight during shutdown while refusing new connections', async () => {
    const entered = deferred();
    const release = deferred();
    const routes = new RouteTable().add('GET', '/slow', {
      handler: async (_req, res) => {
        entered.resolve();
        await release.promise;
        sendJson(res, 200, { finished: true });
      },
      errors: jsonErrorShape,
    });
    const { app, url } = await start({ routes });
    const inFlight = rawRequest(`${url}/slow`);
    await entered.promise;
    expect(app.inFlight).toBe(1);

    let stopped = false;
    const stopping = app.stop().then(() => {
      stopped = true;
    });
    expect(await connectionRefused(`${url}/health`)).toBe('ECONNREFUSED');
    expect(stopped).toBe(false);

    release.resolve();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ finished: true });
    await stopping;
    expect(stopped).toBe(true);
  });

  it('cuts requests still running at the shutdown deadline', async () => {
    const entered = deferred();
    const routes = new RouteTable().add('GET', '/forever', {
      handler: async () => {
        entered.resolve();
        await new Promise(() => {});
      },
      errors: jsonErrorShape,
    });
    const { app, url } = await start({ routes, shutdownTimeoutMs: 200 });
    const inFlight = rawRequest(`${url}/forever`).catch((error: NodeJS.ErrnoException) => error.code);
    await entered.promise;
    await app.stop();
    expect(await inFlight).toBe('ECONNRESET');
  });
});
