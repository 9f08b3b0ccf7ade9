// The server as a process of its own on the Redis it starts and stops itself (no REDIS_URL): its lifecycle,
// its workers, and what is left running when it is stopped or killed. Each test starts its own redis-server, never
// the run's, so the Sentinel and cluster passes of `npm test` must leave this file out.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedRedis } from '../../src/services/redis/embedded-redis.js';
import { runCli } from '../support/cli.js';
import { connectionRefused, rawRequest } from '../support/http.js';
import { isRunning } from '../support/process-state.js';
import {
  killStarted,
  listening,
  type ServerProcess,
  spawnNpmStart,
  spawnServer,
} from '../support/server-process.js';
import { removeTempDirs, tempDir } from '../support/temp-dirs.js';

function childProcesses(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number),
  );
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Node children of the primary running the relay entry point (cluster workers). */
function workerProcesses(primaryPid: number): number[] {
  return childProcesses(primaryPid).filter((pid) => commandLine(pid).includes('src/main.ts'));
}

describe('the server process on its embedded Redis', () => {
  const started: ServerProcess[] = [];
  afterEach(async () => {
    await killStarted(started);
    removeTempDirs();
  });

  it('starts on the embedded Redis, answers /health and /ready, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
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
    const dataDir = tempDir();
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
});

describe('a server that loses its Redis or is killed', () => {
  const cleanups: Array<() => Promise<void>> = [];
  // Hooks run even when a test times out; a cleanup inside the test body would not.
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    removeTempDirs();
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
        DATA_DIR: tempDir(),
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

  it('stops a redis-server left behind by a dead server before starting its own', async () => {
    const dataDir = tempDir();
    const killed = track(spawnServer({ REDIS_URL: undefined, PORT: '0', DATA_DIR: dataDir }));
    const orphan = Number(
      (await killed.waitForLog((line) => line.msg === 'started embedded redis')).redisPid,
    );
    cleanups.push(async () => {
      if (isRunning(orphan)) process.kill(orphan, 'SIGKILL');
    });
    await killed.waitForLog(listening);
    // Everything but Redis dies at once (the OOM killer, a kill -9 of every process): whatever watches over
    // Redis on the server's behalf goes first, so Redis is left running on the data directory.
    const serverPid = killed.child.pid ?? 0;
    const keepers = childProcesses(serverPid).filter((pid) => childProcesses(pid).includes(orphan));
    for (const keeper of keepers) {
      for (const helper of childProcesses(keeper)) if (helper !== orphan) process.kill(helper, 'SIGKILL');
      process.kill(keeper, 'SIGKILL');
    }
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
    'refuses a second start on the same DATA_DIR, naming the running server, which keeps serving (WORKERS=%s)',
    async (workers) => {
      const dataDir = tempDir();
      const env = { REDIS_URL: undefined, PORT: '0', WORKERS: workers, DATA_DIR: dataDir };
      const first = track(spawnServer(env));
      const { url } = (await first.waitForLog(listening)) as { url: string };

      const second = track(spawnServer(env));
      const outcome = await Promise.race([
        second.exited,
        second.waitForLog(listening).then(
          () => 'listening',
          () => 'exited',
        ),
      ]);
      expect(outcome).toEqual({ code: 1, signal: null });
      expect(second.stderr()).toContain(`pid ${first.child.pid}`);
      expect(second.stderr()).toContain(url);
      expect(second.stderr()).toContain(dataDir);

      // The first server's Redis was left alone: it is still ready, and the CLI still finds that Redis.
      expect((await rawRequest(`${url}/ready`)).status).toBe(200);
      const listed = await runCli(['keys', 'list', '--json'], { REDIS_URL: undefined, DATA_DIR: dataDir });
      expect(listed.stderr).toBe('');
      first.child.kill('SIGTERM');
      expect((await first.exited).code).toBe(0);
    },
    // Two relays (a cluster is a primary and two workers) starting one after the other.
    60_000,
  );

  it.each(['1', '2'])(
    'never leaves its embedded Redis running when it is killed outright (WORKERS=%s)',
    async (workers) => {
      const dataDir = tempDir();
      const env = { REDIS_URL: undefined, PORT: '0', WORKERS: workers, DATA_DIR: dataDir };
      const killed = track(spawnServer(env));
      const redisPid = Number(
        (await killed.waitForLog((line) => line.msg === 'started embedded redis')).redisPid,
      );
      cleanups.push(async () => {
        if (isRunning(redisPid)) process.kill(redisPid, 'SIGKILL');
      });
      await killed.waitForLog(listening);
      const workerPids = workerProcesses(killed.child.pid ?? 0);
      cleanups.push(async () => {
        for (const pid of workerPids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
      });
      killed.child.kill('SIGKILL');
      await killed.exited;
      // Not our children: nothing to await but their disappearance.
      await expect.poll(() => isRunning(redisPid), { timeout: 10_000 }).toBe(false);
      for (const worker of workerPids) await expect.poll(() => isRunning(worker)).toBe(false);

      // The dead server's record is stale, not a running server: the next start goes ahead on the same data.
      const next = track(spawnServer(env));
      await next.waitForLog(listening);
      next.child.kill('SIGTERM');
      expect((await next.exited).code).toBe(0);
    },
    // Two relays (a cluster is a primary and two workers) starting one after the other.
    60_000,
  );

  it('`npm start` runs the compiled server, and stops it and its embedded Redis on SIGTERM', async () => {
    const npm = track(
      spawnNpmStart({
        REDIS_URL: undefined,
        NODE_ENV: undefined,
        PORT: '0',
        DATA_DIR: tempDir(),
      }),
    );
    const redisLine = await npm.waitForLog((line) => line.msg === 'started embedded redis');
    const serverPid = Number(redisLine.pid);
    const redisPid = Number(redisLine.redisPid);
    cleanups.push(async () => {
      for (const pid of [serverPid, redisPid]) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    });
    const { url } = (await npm.waitForLog(listening)) as { url: string };
    // npm runs the server through `sh -c`: npm, a shell, then node.
    expect(serverPid).not.toBe(npm.child.pid);
    // Compiled JavaScript, with no TypeScript loader and no esbuild service process beside it.
    expect(commandLine(serverPid)).toMatch(/^node dist\/main\.js/);
    expect(commandLine(serverPid)).not.toContain('tsx');
    const helpers = childProcesses(serverPid).map(commandLine);
    expect(helpers.filter((command) => command.includes('esbuild'))).toEqual([]);

    npm.child.kill('SIGTERM');
    await npm.exited;
    // Not our children: nothing to await but their disappearance.
    await expect.poll(() => isRunning(serverPid), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => isRunning(redisPid), { timeout: 10_000 }).toBe(false);
    expect(await connectionRefused(`${url}/health`)).toBe('ECONNREFUSED');
    // A graceful stop (requests drained, Redis stopped by its owner), not a crash.
    expect(npm.lines.some((line) => line.pid === serverPid && /^shutting down/.test(String(line.msg)))).toBe(
      true,
    );
  });

  it.each(['1', '2'])(
    'stops its embedded Redis on a SIGTERM that arrives during start-up (WORKERS=%s)',
    async (workers) => {
      const server = track(
        spawnServer({
          REDIS_URL: undefined,
          PORT: '0',
          WORKERS: workers,
          DATA_DIR: tempDir(),
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
