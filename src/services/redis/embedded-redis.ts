// Starts and owns a local redis-server child: the embedded default when REDIS_URL is unset, and the test Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  accessSync,
  constants,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

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
  /** Records where the server owning this Redis listens, so a second start on its data directory can say so. */
  recordServerUrl(url: string): void;
  /** Stops the server (SIGTERM, so AOF is flushed) and resolves once the process has exited. */
  stop(timeoutMs?: number): Promise<void>;
}

const ENDPOINT_FILE = 'endpoint.json';

/**
 * `endpoint.json` in a persistent server's data directory: the process that owns the directory (written first,
 * as a claim), then the Redis it started, then where that process serves once it listens.
 */
const endpointRecordSchema = z.object({
  url: z.string().optional(),
  pid: z.number().int().positive().optional(),
  owner: z
    .object({
      pid: z.number().int().positive(),
      /** Tells the owner from a later process given the same pid (after a crash or a reboot). */
      startedAt: z.string().optional(),
      serverUrl: z.string().optional(),
    })
    .optional(),
});
type EndpointRecord = z.infer<typeof endpointRecordSchema>;
type Owner = NonNullable<EndpointRecord['owner']>;

function readRecord(file: string): EndpointRecord | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (text.length > 64 * 1024) return undefined;
  try {
    const parsed = endpointRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the record whole (a private temp file renamed over it), so a reader never sees half of one. */
function writeRecord(file: string, record: EndpointRecord): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, JSON.stringify(record), { mode: 0o600 });
  renameSync(temp, file);
}

/** The URL of the embedded Redis a running server owns in `dataDir`, if one is running. */
export function readEmbeddedEndpoint(dataDir: string): string | undefined {
  const { url, pid } = readRecord(path.join(dataDir, ENDPOINT_FILE)) ?? {};
  // A server killed without its shutdown leaves the file behind; a dead pid means nobody listens.
  if (url === undefined || pid === undefined || processState(pid) !== 'running') return undefined;
  return url;
}

/** A second start on a data directory whose owner is alive: its Redis would share (and corrupt) the AOF files. */
export class EmbeddedRedisInUseError extends Error {
  constructor(dataDir: string, owner: Owner) {
    const where = owner.serverUrl ? `listening on ${owner.serverUrl}` : 'still starting';
    super(
      `Another relay server (pid ${owner.pid}, ${where}) is running with its embedded Redis in ${dataDir}. ` +
        'Stop that server first, or start this one with another DATA_DIR (or a REDIS_URL).',
    );
    this.name = 'EmbeddedRedisInUseError';
  }
}

/**
 * Makes this process the owner of `dataDir` before its redis-server starts there. The claim is linked into
 * place, which fails if a record exists: then a live owner means refusal, and a dead owner's record is stale.
 * Two starts on one stale directory at the very same moment can still both clear it; nothing short of a lock
 * held by the kernel would close that, and one start at a time is the case that matters.
 */
async function claimDataDir(dataDir: string): Promise<string> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, ENDPOINT_FILE);
  const startedAt = processStartedAt(process.pid);
  const claim: EndpointRecord = { owner: { pid: process.pid, ...(startedAt ? { startedAt } : {}) } };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify(claim), { mode: 0o600 });
    try {
      linkSync(temp, file);
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temp);
    }
    const recorded = readRecord(file);
    // A live owner whose Redis has exited is not serving from here; requiring both also keeps a pid handed to
    // another process (where start times cannot be read) from blocking every start.
    const redisAlive = recorded?.pid === undefined || processState(recorded.pid) === 'running';
    if (recorded?.owner && isAlive(recorded.owner) && redisAlive)
      throw new EmbeddedRedisInUseError(dataDir, recorded.owner);
    // The owner is gone, so the record is stale; a Redis it names still runs only if its watchdog died too.
    if (recorded?.pid !== undefined) await stopStaleServer(recorded.pid, dataDir);
    rmSync(file, { force: true });
  }
  throw new Error(`Could not claim ${dataDir} for the embedded Redis`);
}

/** Removes the record if it is still this process's own: never another owner's. */
function releaseClaim(file: string): void {
  if (readRecord(file)?.owner?.pid === process.pid) rmSync(file, { force: true });
}

function isAlive(owner: Owner): boolean {
  if (processState(owner.pid) !== 'running') return false;
  const startedAt = processStartedAt(owner.pid);
  // Where start times cannot be read (no /proc), a live pid has to do.
  return owner.startedAt === undefined || startedAt === undefined || startedAt === owner.startedAt;
}

/** `zombie` counts as gone: it has exited, only its parent has not collected it yet. */
function processState(pid: number): 'running' | 'zombie' | 'gone' {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the pid exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  const fields = procStatFields(pid);
  return fields?.[0] === 'Z' ? 'zombie' : 'running';
}

/** The boot and the clock tick a process started at: the same pid with another start is another process. */
function processStartedAt(pid: number): string | undefined {
  const startTicks = procStatFields(pid)?.[19];
  if (startTicks === undefined) return undefined;
  try {
    return `${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}:${startTicks}`;
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat from the state on (the command name before it may contain spaces). */
function procStatFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * A redis-server whose owner died with its watchdog keeps running on the data directory. Starting a second
 * redis-server on the same AOF files would corrupt them, so the stale one is stopped first (SIGTERM, which lets
 * it flush its AOF).
 */
async function stopStaleServer(pid: number, dataDir: string, timeoutMs = 10_000): Promise<void> {
  if (!isRedisServer(pid)) return;
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
  if (processState(pid) !== 'running') return false;
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
  if (options.persist && !options.dataDir)
    throw new Error('A data directory is required for a persistent embedded Redis');
  const endpointFile = options.persist && options.dataDir ? await claimDataDir(options.dataDir) : undefined;
  try {
    // The port is probed then handed over, so another process can take it in between; retry on a bind failure.
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        return await launch(executable, await freePort(), options, endpointFile);
      } catch (error) {
        lastError = error;
        if (!(error instanceof PortInUseError)) throw error;
      }
    }
    throw lastError;
  } catch (error) {
    if (endpointFile) releaseClaim(endpointFile);
    throw error;
  }
}

/**
 * redis-server runs under this `sh` watchdog, which holds the read end of a pipe from the owning process.
 * Whatever way the owner ends (exit, crash, SIGKILL) the kernel closes the write end; the watchdog reads EOF
 * and sends SIGTERM, so Redis flushes its AOF and never outlives its owner. `stop()` closes the pipe on
 * purpose: one path for both. The watchdog exits with Redis's status and only once Redis has exited, so its
 * exit event is Redis's. The watcher is a subshell because the watchdog itself is busy waiting for Redis.
 */
const WATCHDOG_SCRIPT = [
  'exec 3<&0 </dev/null',
  '"$@" 3<&- &',
  'redis=$!',
  'echo "watchdog: redis-server pid $redis"',
  '(read -r _ <&3; kill -TERM "$redis" 2>/dev/null) &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$redis"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');
const WATCHDOG_PID_LINE = /^watchdog: redis-server pid (\d+)$/m;

class PortInUseError extends Error {}

async function launch(
  executable: string,
  port: number,
  options: EmbeddedRedisOptions,
  endpointFile: string | undefined,
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
  if (options.persist && options.dataDir) {
    args.push('--dir', options.dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec');
  } else {
    args.push('--appendonly', 'no');
  }
  // Its own session: a Ctrl-C in the terminal reaches the server, which drains requests and then stops Redis;
  // reaching Redis at the same time would pull it from under requests still being settled.
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'redis-watchdog', executable, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  // The owner never writes to the pipe; an error on it only means the watchdog has gone.
  watchdog.stdin?.on('error', () => {});
  const exited = once(watchdog, 'exit');
  let pid: number;
  try {
    pid = await waitUntilReady(watchdog, options.startTimeoutMs ?? 15_000);
  } catch (error) {
    watchdog.stdin?.destroy();
    if (watchdog.exitCode === null && watchdog.signalCode === null) await exited;
    throw error;
  }
  // Keep draining its output so a chatty server never blocks on a full pipe.
  watchdog.stdout?.resume();
  watchdog.stderr?.resume();
  const url = `redis://127.0.0.1:${port}`;
  const owner = endpointFile ? readRecord(endpointFile)?.owner : undefined;
  // Lets tools on this machine (the admin CLI) find the server's Redis without reading its log.
  if (endpointFile) writeRecord(endpointFile, { url, pid, ...(owner ? { owner } : {}) });
  return {
    url,
    port,
    pid,
    recordServerUrl(serverUrl) {
      if (!endpointFile) return;
      const record = readRecord(endpointFile);
      if (record?.owner?.pid !== process.pid) return;
      writeRecord(endpointFile, { ...record, owner: { ...record.owner, serverUrl } });
    },
    async stop(timeoutMs = 5000) {
      if (watchdog.exitCode === null && watchdog.signalCode === null) {
        watchdog.stdin?.destroy();
        // Still the watchdog's child, so the pid cannot have been handed to another process yet.
        const timer = setTimeout(() => process.kill(pid, 'SIGKILL'), timeoutMs);
        try {
          await exited;
        } finally {
          clearTimeout(timer);
        }
      }
      // Only now: a new start on the directory must not launch a Redis beside one still flushing its AOF.
      if (endpointFile) releaseClaim(endpointFile);
    },
  };
}

/** Resolves with redis-server's pid once it accepts connections. */
function waitUntilReady(watchdog: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      const pid = WATCHDOG_PID_LINE.exec(output)?.[1];
      if (pid !== undefined) process.kill(Number(pid), 'SIGKILL');
      finish(new Error(`redis-server did not become ready within ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const pid = WATCHDOG_PID_LINE.exec(output)?.[1];
      if (pid !== undefined && output.includes('Ready to accept connections')) finish(undefined, Number(pid));
    };
    const onExit = (code: number | null) => {
      const inUse = /Address already in use/i.test(output);
      const error = `redis-server exited with code ${code} before it was ready:\n${output.slice(-2000)}`;
      finish(inUse ? new PortInUseError(error) : new Error(error));
    };
    const onError = (error: Error) => finish(error);
    function finish(error: Error | undefined, pid?: number) {
      clearTimeout(timer);
      watchdog.stdout?.off('data', onData);
      watchdog.off('exit', onExit);
      watchdog.off('error', onError);
      if (pid !== undefined) resolve(pid);
      else reject(error ?? new Error('redis-server did not start'));
    }
    watchdog.stdout?.on('data', onData);
    watchdog.once('exit', onExit);
    watchdog.once('error', onError);
  });
}
