// Per-test Redis access: a fresh key prefix for every test context, removed again afterwards.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { hostPorts, isCluster, isSentinel, type RedisEndpoint } from '../../src/lib/redis-endpoint.js';
import {
  closeRedis,
  createRedisClient,
  primaries,
  type RedisClient,
} from '../../src/services/redis/connection.js';
import { createKeys, type Keys } from '../../src/services/redis/keys.js';

export interface TestRedis {
  endpoint: RedisEndpoint;
  /** The variables a server or CLI process is started with to use the same Redis. */
  env: Record<string, string>;
  redis: RedisClient;
  prefix: string;
  keys: Keys;
  /** Every key under this test's prefix (tests may SCAN; the product never does on a request path). */
  listKeys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** The run's Redis (REDIS_MODE: one server, a Sentinel-managed primary or a cluster), from the global setup. */
export function testRedisEndpoint(): RedisEndpoint {
  return inject('redisEndpoint');
}

/** The environment that points a server or CLI process at the run's Redis. */
export function testRedisEnv(endpoint: RedisEndpoint = testRedisEndpoint()): Record<string, string> {
  if (isCluster(endpoint)) return { REDIS_CLUSTER_NODES: hostPorts(endpoint.nodes) };
  if (isSentinel(endpoint)) {
    return { REDIS_SENTINELS: hostPorts(endpoint.sentinels), REDIS_SENTINEL_NAME: endpoint.name };
  }
  return { REDIS_URL: endpoint.url };
}

/**
 * Every key matching `pattern` (tests may SCAN; the product never does on a request path). A cluster is
 * scanned node by node: each primary holds only its own slots' keys.
 */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for (const node of primaries(redis)) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
  }
  return found;
}

/** Deletes every key under a test prefix (tests may SCAN; the product never does on a request path). */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<void> {
  // One key per DEL: on a cluster, a DEL of several keys must keep to one slot.
  await Promise.all((await scanKeys(redis, `${prefix}*`)).map((key) => redis.del(key)));
}

export async function createTestRedis(): Promise<TestRedis> {
  const endpoint = testRedisEndpoint();
  const prefix = `t:${randomUUID().slice(0, 8)}:`;
  const redis = await createRedisClient({ endpoint, name: 'test' });
  const listKeys = () => scanKeys(redis, `${prefix}*`);
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
