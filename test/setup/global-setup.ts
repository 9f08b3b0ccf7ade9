// Vitest global setup: uses REDIS_URL when set, otherwise one throwaway redis-server (no persistence) for the run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedRedis } from '../../src/services/redis/embedded-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * The browser tests drive the built dashboard. `npm ci` builds it (the prepare script); a checkout where it is
 * missing gets it built once here rather than every browser test failing on a 503.
 */
function ensureDashboardBuilt(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  if (existsSync(path.join(root, 'web/dist/index.html'))) return;
  execFileSync('npm', ['run', 'build:web'], { cwd: root, stdio: 'inherit' });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureDashboardBuilt();
  const external = process.env.REDIS_URL;
  if (external) {
    project.provide('redisUrl', external);
    return async () => {};
  }
  const redis = await startEmbeddedRedis({
    bin: process.env.REDIS_SERVER_BIN ?? 'redis-server',
    persist: false,
  });
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
