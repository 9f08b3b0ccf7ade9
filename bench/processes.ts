// Child processes of the bench: the fake upstream and the relay (started like `npm start`), plus their RSS.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema } from '../src/config/env-schema.js';
import { type LogStats, logCounter } from './log-counter.js';
import { processTree } from './process-tree.js';
import { firstMatchingLine, freePort, tailCollector, waitUntilServing } from './readiness.js';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** Children still running; killed outright if the bench exits without having stopped them. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Sends `signal`, then SIGKILL after `timeoutMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, timeoutMs = 10_000, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Resident set size in MB of a live process and its descendants (cluster workers), from /proc (Linux only). */
export function readRssMb(pid: number): number | undefined {
  let total: number | undefined;
  for (const member of processTree(pid)) {
    const rss = readOwnRssMb(member);
    if (rss !== undefined) total = (total ?? 0) + rss;
  }
  return total;
}

/** Resident set size in MB of one process, without its descendants; undefined once it has ended. */
export function readOwnRssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined; // The process ended while we looked.
  }
}

export interface FakeUpstreamProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Every answer streamed slowly, like a real model's: `chunks` text deltas, each event `eventDelayMs` apart. */
export interface SlowAnswer {
  chunks: number;
  eventDelayMs: number;
}

export function startFakeUpstreamProcess(slow?: SlowAnswer): Promise<FakeUpstreamProcess> {
  const flags = slow ? ['--chunks', String(slow.chunks), '--event-delay-ms', String(slow.eventDelayMs)] : [];
  return startAnnouncingChild(['--import', 'tsx', 'bench/fake-upstream-process.ts', ...flags]);
}

/** The bare node:http proxy to `targetUrl` the relay is compared with in the same run. */
export function startBareProxyProcess(targetUrl: string): Promise<FakeUpstreamProcess> {
  return startAnnouncingChild(['bench/bare-proxy-process.mjs', targetUrl]);
}

/** A node child that prints `{ "url": … }` as its first line once it listens. */
async function startAnnouncingChild(args: string[]): Promise<FakeUpstreamProcess> {
  const child = track(
    spawn(process.execPath, args, {
      cwd: ROOT,
      // stdin stays open as a lifeline: the child exits when it closes, even if the bench is killed.
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const stderr = tailCollector(child);
  const stop = () => stopChild(child);
  try {
    const line = await firstMatchingLine(child, (value) => typeof value.url === 'string', stderr, 30_000);
    child.stdout?.resume();
    return { url: String(line.url), pid: child.pid ?? 0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface RelayOptions {
  redisUrl: string;
  keyPrefix: string;
  dataDir: string;
  logLevel: string;
  adminPassword: string;
  /** WORKERS for the relay; unset leaves the relay's own default (one per CPU). */
  workers?: number | 'auto';
  /** When set, the relay runs with --cpu-prof and writes its profile here on exit. */
  profileDir?: string;
  /** More relay settings (the fault run's ledger cap, say). */
  env?: Record<string, string>;
  /** Open files the relay may hold (`ulimit -n`), e.g. a small host's 1,024. */
  fileLimit?: number;
  /** Run the TypeScript sources through tsx (as before compiling), not the compiled `dist/` `npm start` runs. */
  fromSource?: boolean;
  /** Open the inspector on a free loopback port (for allocation profiling); its URL is in `stderr()`. */
  inspect?: boolean;
}

export interface RelayProcess {
  url: string;
  pid: number;
  logs: LogStats;
  stop(): Promise<void>;
  /** SIGKILL: the instance dies mid-whatever, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** The last 8 KB the relay wrote to stderr. */
  stderr(): string;
}

export async function startRelayProcess(options: RelayOptions): Promise<RelayProcess> {
  // Drop every variable the relay reads from our own environment, so only the bench's settings apply.
  const env: Record<string, string> = {};
  const relayVariables = new Set(Object.keys(envSchema.shape));
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !relayVariables.has(name)) env[name] = value;
  }
  // Above `info` the relay never logs its URL, so the port is chosen here and readiness polled instead.
  const announces = ['trace', 'debug', 'info'].includes(options.logLevel);
  const fixedPort = announces ? 0 : await freePort();
  Object.assign(env, {
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: options.keyPrefix,
    PORT: String(fixedPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel,
    DATA_DIR: options.dataDir,
    ADMIN_PASSWORD: options.adminPassword,
    ...(options.workers === undefined ? {} : { WORKERS: String(options.workers) }),
    ...options.env,
  });
  const profile = [
    ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
    ...(options.inspect ? ['--inspect=127.0.0.1:0'] : []),
  ];
  // As `npm start` does: compile first (under a second), then run plain JavaScript.
  if (!options.fromSource)
    execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const args = options.fromSource
    ? ['--import', 'tsx', ...profile, 'src/main.ts']
    : [...profile, 'dist/main.js'];
  // The shell sets the limit and then becomes node (exec), so the pid is still the relay's.
  const command = options.fileLimit
    ? spawn('sh', ['-c', `ulimit -n ${options.fileLimit} && exec "$0" "$@"`, process.execPath, ...args], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const child = track(command);
  const stderr = tailCollector(child);
  // A profiled relay writes its .cpuprofile on exit, which takes a while for a long run.
  const stop = () => stopChild(child, options.profileDir ? 60_000 : 20_000);
  try {
    let url = `http://127.0.0.1:${fixedPort}`;
    if (announces) {
      const line = await firstMatchingLine(
        child,
        (value) => typeof value.msg === 'string' && value.msg.startsWith('listening on'),
        stderr,
        60_000,
      );
      url = String(line.url);
    }
    const logs: LogStats = { lines: 0, warnings: 0, errors: 0, samples: [] };
    child.stdout?.on('data', logCounter(logs));
    // readline paused the stream when it closed; without this the pipe fills and the relay blocks on logging.
    child.stdout?.resume();
    if (!announces) await waitUntilServing(url, child, stderr, 60_000);
    return {
      url,
      pid: child.pid ?? 0,
      logs,
      stop,
      kill: () => stopChild(child, 5000, 'SIGKILL'),
      stderr,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
