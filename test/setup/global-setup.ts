// Vitest global setup: the run's Redis. REDIS_URL when set; otherwise, by REDIS_MODE, one throwaway redis-server
// (no persistence; the default, `single`), a throwaway Sentinel-managed primary with a replica (`sentinel`), or a
// throwaway cluster of three primaries with a replica each (`cluster`).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import type { RedisEndpoint } from '../../src/lib/redis-endpoint.js';
import { startEmbeddedRedis } from '../../src/services/redis/embedded-redis.js';
import { compileCli } from '../support/cli-build.js';
import { startClusterTopology } from '../support/redis-cluster.js';
import { startSentinelTopology } from '../support/redis-sentinel.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisEndpoint: RedisEndpoint;
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
  await compileCli();
  const external = process.env.REDIS_URL;
  if (external) {
    project.provide('redisEndpoint', { url: external });
    return async () => {};
  }
  const mode = process.env.REDIS_MODE ?? 'single';
  if (mode === 'sentinel') {
    const topology = await startSentinelTopology();
    project.provide('redisEndpoint', topology.endpoint);
    return () => topology.stop();
  }
  if (mode === 'cluster') {
    const topology = await startClusterTopology();
    project.provide('redisEndpoint', topology.endpoint);
    return () => topology.stop();
  }
  if (mode !== 'single') throw new Error(`REDIS_MODE must be single, sentinel or cluster, not ${mode}`);
  const redis = await startEmbeddedRedis({
    bin: process.env.REDIS_SERVER_BIN ?? 'redis-server',
    persist: false,
  });
  project.provide('redisEndpoint', { url: redis.url });
  return () => redis.stop();
}
