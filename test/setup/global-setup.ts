// Vitest global setup, run once per project: that project's Redis for the run, by the project's name (see
// vitest.config.ts). `single`: REDIS_URL when set, otherwise one throwaway redis-server (no persistence);
// `sentinel`: a throwaway Sentinel-managed primary with a replica; `cluster`: a throwaway cluster of three
// primaries with a replica each.
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
  compileCli();
  const mode = project.name;
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
  if (mode !== 'single') throw new Error(`no Redis is set up for a test project named ${mode}`);
  const external = process.env.REDIS_URL;
  if (external) {
    project.provide('redisEndpoint', { url: external });
    return async () => {};
  }
  const redis = await startEmbeddedRedis({
    bin: process.env.REDIS_SERVER_BIN ?? 'redis-server',
    persist: false,
  });
  project.provide('redisEndpoint', { url: redis.url });
  return () => redis.stop();
}
