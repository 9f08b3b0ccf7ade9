// Per-test Redis access: a fresh key prefix for every test context, removed again afterwards.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';
import { isSentinel, type RedisEndpoint } from '../../src/lib/redis-endpoint.js';
import { closeRedis, createRedisClient } from '../../src/services/redis/connection.js';
import { createKeys, type Keys } from '../../src/services/redis/keys.js';

export interface TestRedis {
  endpoint: RedisEndpoint;
  /** The variables a server or CLI process is started with to use the same Redis. */
  env: Record<string, string>;
  redis: Redis;
  prefix: string;
  keys: Keys;
  /** Every key under this test's prefix (tests may SCAN; the product never does on a request path). */
  listKeys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** The run's Redis (REDIS_MODE: one server, or a Sentinel-managed primary), from the global setup. */
export function testRedisEndpoint(): RedisEndpoint {
  return inject('redisEndpoint');
}

/** The environment that points a server or CLI process at the run's Redis. */
export function testRedisEnv(endpoint: RedisEndpoint = testRedisEndpoint()): Record<string, string> {
  if (!isSentinel(endpoint)) return { REDIS_URL: endpoint.url };
  return {
    REDIS_SENTINELS: endpoint.sentinels.map(({ host, port }) => `${host}:${port}`).join(','),
    REDIS_SENTINEL_NAME: endpoint.name,
  };
}

/** Deletes every key under a test prefix (tests may SCAN; the product never does on a request path). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length > 0) await redis.del(...batch);
  } while (cursor !== '0');
}

export async function createTestRedis(): Promise<TestRedis> {
  const endpoint = testRedisEndpoint();
  const prefix = `t:${randomUUID().slice(0, 8)}:`;
  const redis = await createRedisClient({ endpoint, name: 'test' });
  const listKeys = async () => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  return {
    endpoint,
    env: testRedisEnv(endpoint),
    redis,
    prefix,
    keys: createKeys(prefix),
    listKeys,
    async cleanup() {
      await deletePrefix(redis, prefix);
      await closeRedis(redis);
    },
  };
}
