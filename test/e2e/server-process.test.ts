import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedRedis } from '../../src/services/redis/embedded-redis.js';
import { ScriptRunner } from '../../src/services/redis/scripts.js';
import { UserService } from '../../src/services/users/user-service.js';
import { runCli } from '../support/cli.js';
import { connectionRefused, rawRequest } from '../support/http.js';
import { createTestRedis } from '../support/redis.js';
import { type ServerProcess, spawnServer } from '../support/server-process.js';

/** Alive and not a zombie: an orphan reparented to an init that does not reap it lingers as one. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Node children of the primary running the relay entry point (cluster workers). */
function workerProcesses(primaryPid: number): number[] {
  const children = readdirSync(`/proc/${primaryPid}/task`).flatMap((task) =>
    readFileSync(`/proc/${primaryPid}/task/${task}/children`, 'utf8')
      .trim()
      .split(' ')
      .filter(Boolean)
      .map(Number),
  );
  return children.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('src/main.ts'));
}

const listening = (line: Record<string, unknown>) => typeof line.url === 'string' && line.msg !== undefined;

describe('the server process', () => {
  const started: ServerProcess[] = [];
  afterEach(async () => {
    for (const server of started.splice(0)) {
      if (server.child.exitCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    }
  });

  it('starts on the embedded Redis, answers /health and /ready, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-e2e-'));
    const server = spawnServer({
      REDIS_URL: undefined,
      PORT: '0',
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: undefined,
    });
    started.push(server);
    const redisLine = await server.waitForLog((line) => line.msg === 'started embedded redis');
    const { url } = (await server.waitForLog(listening)) as { url: string };
    expect((await rawRequest(`${url}/health`)).status).toBe(200);
    expect((await rawRequest(`${url}/ready`)).status).toBe(200);
    const printed = server.lines.filter((line) => String(line.msg).includes('generated password'));
    expect(printed).toHaveLength(1);

    // The admin CLI finds the running server's embedded Redis through DATA_DIR, and the key it creates works.
    const created = await runCli(['keys', 'create', '--name', 'first', '--json'], {
      REDIS_URL: undefined,
      DATA_DIR: dataDir,
    });
    expect(created.stderr).toBe('');
    const { plaintext } = JSON.parse(created.stdout) as { plaintext: string };
    const noAccount = await rawRequest(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': plaintext, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [] }),
    });
    // Authenticated; there is simply no upstream account yet.
    expect(noAccount.status).toBe(503);

    const redisPort = Number(redisLine.port);
    const stopAt = Date.now();
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5000);
    expect(await connectionRefused(`${url}/health`)).toBe('ECONNREFUSED');
    expect(await connectionRefused(`http://127.0.0.1:${redisPort}/`)).toBe('ECONNREFUSED');
    const redisPid = Number(redisLine.redisPid);
    if (Number.isFinite(redisPid) && redisPid !== server.child.pid) expect(isRunning(redisPid)).toBe(false);
  });

  it('runs several workers on one port, owns the embedded Redis, and stops all of it on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-e2e-'));
    const server = spawnServer({ REDIS_URL: undefined, PORT: '0', DATA_DIR: dataDir, WORKERS: '2' });
    started.push(server);
    const redisLine = await server.waitForLog((line) => line.msg === 'started embedded redis');
    const ready = await server.waitForLog((line) => typeof line.url === 'string' && line.workers === 2);
    const url = String(ready.url);
    expect((await rawRequest(`${url}/ready`)).status).toBe(200);
    expect(workerProcesses(server.child.pid ?? 0)).toHaveLength(2);
    // Exactly one worker created the first admin, however the two raced.
    expect(server.lines.filter((line) => String(line.msg).includes('generated password'))).toHaveLength(1);

    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(await connectionRefused(`${url}/health`)).toBe('ECONNREFUSED');
    expect(isRunning(Number(redisLine.redisPid))).toBe(false);
  });

  it('creates the first admin from ADMIN_PASSWORD on an external Redis', async () => {
    const t = await createTestRedis();
    try {
      const server = spawnServer({
        REDIS_URL: t.url,
        REDIS_KEY_PREFIX: t.prefix,
        PORT: '0',
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'relay-e2e-')),
        ADMIN_USERNAME: 'operator-one',
        ADMIN_PASSWORD: 'a long enough password',
      });
      started.push(server);
      await server.waitForLog(listening);
      const users = new UserService({ redis: t.redis, keys: t.keys, scripts: new ScriptRunner(t.redis) });
      expect(await users.verifyCredentials('operator-one', 'a long enough password')).toMatchObject({
        role: 'admin',
      });
      expect(JSON.stringify(server.lines)).not.toContain('a long enough password');
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    } finally {
      await t.cleanup();
    }
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number/],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [
      { REDIS_URL: undefined, REDIS_SERVER_BIN: '/nonexistent/redis-server' },
      /Install Redis.*or set REDIS_URL/s,
    ],
  ])('exits 1 with a message naming the problem for %o', async (env, message) => {
    const server = spawnServer({
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'relay-e2e-')),
      PORT: '0',
      ...env,
    });
    started.push(server);
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.stderr()).toMatch(message);
  });
});

describe('a server that loses its Redis or is killed', () => {
  const cleanups: Array<() => Promise<void>> = [];
  // Hooks run even when a test times out; a cleanup inside the test body would not.
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const track = (server: ServerProcess) => {
    cleanups.push(async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    });
    return server;
  };

  it('still exits 0 promptly on SIGTERM when its Redis has gone away', async () => {
    const redis = await startEmbeddedRedis({ bin: 'redis-server', persist: false });
    cleanups.push(() => redis.stop());
    const server = track(
      spawnServer({
        REDIS_URL: redis.url,
        PORT: '0',
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'relay-e2e-')),
        SHUTDOWN_TIMEOUT_MS: '1000',
      }),
    );
    await server.waitForLog(listening);
    await redis.stop();
    const stopAt = Date.now();
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5000);
  });

  it('stops the embedded Redis a killed server left behind before starting its own', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-e2e-'));
    const killed = track(spawnServer({ REDIS_URL: undefined, PORT: '0', DATA_DIR: dataDir }));
    const orphan = Number(
      (await killed.waitForLog((line) => line.msg === 'started embedded redis')).redisPid,
    );
    cleanups.push(async () => {
      if (isRunning(orphan)) process.kill(orphan, 'SIGKILL');
    });
    await killed.waitForLog(listening);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(isRunning(orphan)).toBe(true);

    const next = track(spawnServer({ REDIS_URL: undefined, PORT: '0', DATA_DIR: dataDir }));
    const fresh = Number((await next.waitForLog((line) => line.msg === 'started embedded redis')).redisPid);
    expect(fresh).not.toBe(orphan);
    expect(isRunning(orphan)).toBe(false);
    await next.waitForLog(listening);
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  });

  it.each(['1', '2'])(
    'stops its embedded Redis on a SIGTERM that arrives during start-up (WORKERS=%s)',
    async (workers) => {
      const server = track(
        spawnServer({
          REDIS_URL: undefined,
          PORT: '0',
          WORKERS: workers,
          DATA_DIR: mkdtempSync(path.join(tmpdir(), 'relay-e2e-')),
        }),
      );
      const redisPid = Number(
        (await server.waitForLog((line) => line.msg === 'started embedded redis')).redisPid,
      );
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
      expect(isRunning(redisPid)).toBe(false);
    },
  );
});
