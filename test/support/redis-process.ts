// A redis-server of a test's own, on a fixed port, that the test can stop, start again, freeze and thaw:
// the Redis outages the relay must survive. Data persists (AOF) across a stop, as a real deployment's does.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RedisProcess {
  readonly url: string;
  /** Shuts the server down (its data is kept) and resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data (nothing to do while it runs). */
  start(): Promise<void>;
  /** SIGSTOP: the socket stays open and nothing answers. */
  freeze(): void;
  thaw(): void;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

export async function startRedisProcess(): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-outage-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    child = await spawnRedisServer([
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
    ]);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    running.kill('SIGCONT');
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawns redis-server with `args` and resolves once it accepts connections (or rejects if it exits first). */
export async function spawnRedisServer(args: string[]): Promise<ChildProcess> {
  const started = spawn(process.env.REDIS_SERVER_BIN ?? 'redis-server', args, {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections') || output.includes('+monitor master')) resolve();
    });
    started.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  // Keeps reading, so that a chatty server never blocks on a full pipe.
  started.stdout?.resume();
  return started;
}

/** A killed child has a signal code and no exit code. */
export function isRunning(child: ChildProcess | undefined): boolean {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/** SIGKILL to every child still running; resolves once all have exited. */
export async function killAll(children: Iterable<ChildProcess>): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      if (!isRunning(child)) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }),
  );
}

/** Polls `check` every 100 ms (a check that throws counts as not yet) until it holds, or throws at the timeout. */
export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * SIGKILL to the primary `child` on `oldPort`; resolves once it has exited, with `promoted`: the port
 * `primaryPort` names once it is another one (the replacement serving).
 */
export async function failPrimary(
  child: ChildProcess | undefined,
  oldPort: number,
  primaryPort: () => Promise<number>,
): Promise<{ promoted: Promise<number> }> {
  if (!child) throw new Error(`no server of ours on ${oldPort}`);
  await killAll([child]);
  let port = oldPort;
  const promoted = until(async () => {
    port = await primaryPort();
    return port !== oldPort;
  }, 30_000).then(() => port);
  return { promoted };
}
