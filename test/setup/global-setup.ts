// Vitest global setup: uses REDIS_URL when set, otherwise one throwaway redis-server (no persistence) for the run.
import type { TestProject } from 'vitest/node';
import { startEmbeddedRedis } from '../../src/services/redis/embedded-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
