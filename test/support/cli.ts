// Runs the real admin CLI (`src/cli/main.ts`, compiled: see cli-build.ts) as a child process and collects its exit code and output.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { createLogger } from '../../src/lib/logger.js';
import { createServices, type Services } from '../../src/services/container.js';
import { TEST_CLI_DIST } from './cli-build.js';
import { createTestRedis, type TestRedis } from './redis.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment variables for the CLI; `undefined` removes one inherited from the test process. */
export type CliEnv = Record<string, string | undefined>;

// Secrets set in the outer environment would bypass DATA_DIR/secrets.json, which the tests read back.
const CLEARED = [
  'ENCRYPTION_KEY',
  'ENCRYPTION_KEY_ID',
  'TOKEN_SIGNING_KEY',
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_CLUSTER_NODES',
  'REDIS_KEY_PREFIX',
];

/** Starts the CLI and leaves it running: for tests that stop it midway (an interrupted import). */
export function spawnCli(args: readonly string[], env: CliEnv, stdin?: string): ChildProcess {
  const merged: CliEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const name of CLEARED) delete merged[name];
  Object.assign(merged, env);
  const cleanEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(merged)) if (value !== undefined) cleanEnv[name] = value;
  // Compiled from src/ by the global setup: the same code, without the TypeScript loader's start-up.
  const child = spawn(process.execPath, [`${TEST_CLI_DIST}/cli/main.js`, ...args], {
    cwd: ROOT,
    env: cleanEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(stdin ?? '');
  return child;
}

export async function runCli(args: readonly string[], env: CliEnv, stdin?: string): Promise<CliResult> {
  const child = spawnCli(args, env, stdin);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** Runs the CLI with `--json`, expects success, and parses stdout as the one JSON document. */
export async function runCliJson<T>(args: readonly string[], env: CliEnv): Promise<T> {
  const result = await runCli([...args, '--json'], env);
  if (result.code !== 0) throw new Error(`cli ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export interface CliFixture {
  t: TestRedis;
  env: CliEnv;
  /** Services on the CLI's prefix with the CLI's secrets (read from the same DATA_DIR); stopped by cleanup. */
  servicesLikeCli(): Promise<Services>;
  cleanup(): Promise<void>;
}

/** A fresh Redis prefix and DATA_DIR for CLI runs, with a way to look at what the CLI wrote. */
export async function createCliFixture(): Promise<CliFixture> {
  const t = await createTestRedis();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-cli-'));
  const env: CliEnv = { ...t.env, REDIS_KEY_PREFIX: t.prefix, DATA_DIR: dataDir };
  // The server's first start writes DATA_DIR/secrets.json; the CLI reads it and never generates its own.
  resolveSecrets(loadConfig({ DATA_DIR: dataDir }));
  const opened: Services[] = [];
  return {
    t,
    env,
    async servicesLikeCli() {
      const config = loadConfig({ NODE_ENV: 'test', ...env });
      const secrets = resolveSecrets(config);
      const services = await createServices({
        redis: t.endpoint,
        keyPrefix: t.prefix,
        encryptionKey: { id: secrets.encryptionKeyId, key: secrets.encryptionKey },
        tokenSigningKey: secrets.tokenSigningKey,
        apiKeyPrefix: config.apiKeys.prefix,
        ledgerMaxEntries: 10_000,
        retention: { hour: 1, day: 1, month: 1 },
        runJobs: false,
        logger: createLogger({ level: 'silent' }),
      });
      opened.push(services);
      return services;
    },
    async cleanup() {
      for (const services of opened.splice(0)) await services.stop();
      await t.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
