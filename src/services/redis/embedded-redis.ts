// Starts and owns a local redis-server child: the embedded default when REDIS_URL is unset, and the test Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export interface EmbeddedRedisOptions {
  /** Path or name of the redis-server binary. */
  bin: string;
  /** Data directory; required when `persist` is on. */
  dataDir?: string;
  /** AOF persistence for the embedded default; off for throwaway test servers. */
  persist: boolean;
  /** Milliseconds to wait for "Ready to accept connections". */
  startTimeoutMs?: number;
}

export interface EmbeddedRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the server (SIGTERM, so AOF is flushed) and resolves once the process has exited. */
  stop(timeoutMs?: number): Promise<void>;
}

const ENDPOINT_FILE = 'endpoint.json';

/** The URL of the embedded Redis a running server owns in `dataDir`, if one is running. */
export function readEmbeddedEndpoint(dataDir: string): string | undefined {
  try {
    const { url, pid } = JSON.parse(readFileSync(path.join(dataDir, ENDPOINT_FILE), 'utf8')) as {
      url?: unknown;
      pid?: unknown;
    };
    if (typeof url !== 'string' || typeof pid !== 'number') return undefined;
    // A server killed without its shutdown leaves the file behind; a dead pid means nobody listens.
    process.kill(pid, 0);
    return url;
  } catch {
    return undefined;
  }
}

/**
 * A server killed outright (SIGKILL, OOM) cannot stop its Redis child, which keeps running on the data
 * directory. Starting a second redis-server on the same AOF files would corrupt them, so the stale one is
 * stopped first (SIGTERM, which lets it flush its AOF).
 */
async function stopStaleServer(dataDir: string, timeoutMs = 10_000): Promise<void> {
  let pid: number | undefined;
  try {
    const recorded = JSON.parse(readFileSync(path.join(dataDir, ENDPOINT_FILE), 'utf8')) as { pid?: unknown };
    pid = typeof recorded.pid === 'number' ? recorded.pid : undefined;
  } catch {
    return;
  }
  if (pid === undefined || !isRedisServer(pid)) return;
  process.kill(pid, 'SIGTERM');
  // Not our child, so there is no exit event to wait for: watch /proc until it is gone.
  const deadline = Date.now() + timeoutMs;
  while (isRedisServer(pid)) {
    if (Date.now() > deadline)
      throw new Error(`a stale redis-server (pid ${pid}) on ${dataDir} did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isRedisServer(pid: number): boolean {
  try {
    // A recycled pid may now belong to anything else; only a redis-server is ours to stop.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis-server');
  } catch {
    return false;
  }
}

export class RedisBinaryMissingError extends Error {
  constructor(bin: string) {
    super(
      `Cannot start the embedded Redis: "${bin}" was not found. Install Redis (Debian/Ubuntu: ` +
        '`sudo apt-get install redis-server`; macOS: `brew install redis`) or set REDIS_URL to an existing server.',
    );
    this.name = 'RedisBinaryMissingError';
  }
}

export function findExecutable(bin: string, searchPath = process.env.PATH ?? ''): string | undefined {
  const candidates = bin.includes('/')
    ? [bin]
    : searchPath.split(path.delimiter).map((dir) => path.join(dir, bin));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('Could not find a free port');
  return address.port;
}

export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const executable = findExecutable(options.bin);
  if (!executable) throw new RedisBinaryMissingError(options.bin);
  if (options.persist && options.dataDir) await stopStaleServer(options.dataDir);
  // The port is probed then handed over, so another process can take it in between; retry on a bind failure.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      return await launch(executable, await freePort(), options);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortInUseError)) throw error;
    }
  }
  throw lastError;
}

class PortInUseError extends Error {}

async function launch(
  executable: string,
  port: number,
  options: EmbeddedRedisOptions,
): Promise<EmbeddedRedis> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
  ];
  args.push('--save', '', '--logfile', '');
  if (options.persist) {
    if (!options.dataDir) throw new Error('A data directory is required for a persistent embedded Redis');
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    args.push('--dir', options.dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec');
  } else {
    args.push('--appendonly', 'no');
  }
  const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitUntilReady(child, options.startTimeoutMs ?? 15_000);
  const pid = child.pid;
  if (pid === undefined) throw new Error('redis-server did not start');
  // Keep draining its output so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  const exited = once(child, 'exit');
  const url = `redis://127.0.0.1:${port}`;
  const endpointFile =
    options.persist && options.dataDir ? path.join(options.dataDir, ENDPOINT_FILE) : undefined;
  // Lets tools on this machine (the admin CLI) find the server's Redis without reading its log.
  if (endpointFile) writeFileSync(endpointFile, JSON.stringify({ url, pid }), { mode: 0o600 });
  return {
    url,
    port,
    pid,
    async stop(timeoutMs = 5000) {
      if (endpointFile) rmSync(endpointFile, { force: true });
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function waitUntilReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`redis-server did not become ready within ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) finish();
    };
    const onExit = (code: number | null) => {
      const inUse = /Address already in use/i.test(output);
      const error = `redis-server exited with code ${code} before it was ready:\n${output.slice(-2000)}`;
      finish(inUse ? new PortInUseError(error) : new Error(error));
    };
    const onError = (error: Error) => finish(error);
    function finish(error?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error) reject(error);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
