import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/http.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';
import { ROOT, type ServerProcess, spawnServer } from '../support/server-process.js';
import { removeTempDirs, tempDir } from '../support/temp-dirs.js';

const TRACE_HOOK = path.join(ROOT, 'test/support/module-trace/register.mjs');
const SCRAPE_TOKEN = 'role-test-scrape-token-0123';
const listening = (line: Record<string, unknown>) => typeof line.url === 'string' && line.msg !== undefined;

/** What a WebSocket upgrade to `url` got: 101 when it was accepted, another status, or the socket closed. */
function tryUpgrade(url: string): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    const req = request(url, {
      agent: false,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-protocol': 'graphql-transport-ws',
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve('closed'));
    req.end();
  });
}

describe('SERVER_ROLE', () => {
  let redis: TestRedis | undefined;
  const started: ServerProcess[] = [];
  afterEach(async () => {
    for (const server of started.splice(0)) {
      if (server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    removeTempDirs();
    await redis?.cleanup();
  });

  async function start(role: string) {
    redis = await createTestRedis();
    const dataDir = tempDir('relay-role-');
    const trace = path.join(dataDir, 'modules.txt');
    const server = spawnServer(
      {
        ...redis.env,
        REDIS_KEY_PREFIX: redis.prefix,
        PORT: '0',
        DATA_DIR: dataDir,
        SERVER_ROLE: role,
        METRICS_TOKEN: SCRAPE_TOKEN,
        MODULE_TRACE_FILE: trace,
      },
      ['--import', TRACE_HOOK],
    );
    started.push(server);
    const url = String((await server.waitForLog(listening)).url);
    return { url, modules: () => readFileSync(trace, 'utf8').split('\n') };
  }

  // control-plane-http.ts itself is always there: a few lines whose imports are dynamic.
  const ofControlPlane = (modules: string[]) =>
    modules.filter((url) =>
      /\/src\/(schema|trpc)\/|\/src\/http\/dashboard-assets\.ts|graphql-yoga|graphql-ws|@trpc/.test(url),
    );

  it('relay: serves the relay API, metrics and health, and neither serves nor loads the control plane', async () => {
    const { url, modules } = await start('relay');
    // The relay API is there: a request without a key gets the Anthropic format's 401.
    const unauthorised = await rawRequest(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unauthorised.status).toBe(401);
    expect(JSON.parse(unauthorised.body)).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
    expect((await rawRequest(`${url}/health`)).status).toBe(200);
    const scrape = await rawRequest(`${url}/metrics`, {
      headers: { authorization: `Bearer ${SCRAPE_TOKEN}` },
    });
    expect(scrape.status).toBe(200);
    expect(scrape.body).toContain('llm_relay_');

    const graphql = await rawRequest(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.status).toBe(404);
    expect((await rawRequest(`${url}/trpc/system.status`)).status).toBe(404);
    expect((await rawRequest(`${url}/admin/`)).status).toBe(404);
    expect(await tryUpgrade(`${url}/graphql`)).not.toBe(101);

    const loaded = modules();
    // The trace works: the relay's own routes are in it.
    expect(loaded.some((module) => module.endsWith('/src/relay/routes.ts'))).toBe(true);
    expect(ofControlPlane(loaded)).toEqual([]);
    // Libraries only some deployments use load when first needed: the AWS signer and event-stream codec with
    // the first Bedrock call, PostgreSQL and its migrations with a configured archive.
    expect(
      loaded.filter((url) => /@smithy|@aws-crypto|node-pg-migrate|node_modules\/pg\//.test(url)),
    ).toEqual([]);
  });

  it('all (the default): the same process serves GraphQL, tRPC, the dashboard and subscriptions', async () => {
    const { url, modules } = await start('all');
    const graphql = await rawRequest(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.status).toBe(200);
    expect(JSON.parse(graphql.body)).toEqual({ data: { __typename: 'Query' } });
    expect((await rawRequest(`${url}/admin/`)).status).toBe(200);
    expect(await tryUpgrade(`${url}/graphql`)).toBe(101);
    expect(ofControlPlane(modules()).length).toBeGreaterThan(0);
  });

  it('refuses an unknown role at boot, naming the variable', async () => {
    redis = await createTestRedis();
    const server = spawnServer({
      ...redis.env,
      PORT: '0',
      DATA_DIR: tempDir('relay-role-'),
      SERVER_ROLE: 'control',
    });
    started.push(server);
    expect((await server.exited).code).toBe(1);
    expect(server.stderr() + JSON.stringify(server.lines)).toMatch(/SERVER_ROLE must be all or relay/);
  });
});
