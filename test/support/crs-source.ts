// A Claude Relay Service Redis for import tests: a redis-server of the test's own (CRS keys carry no prefix),
// filled from the recording of a real CRS or by the fixtures that write as CRS's code does.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { type RedisProcess, startRedisProcess } from './redis-process.js';

export interface CrsRecording {
  crsVersion: string;
  encryptionKey: string;
  apiKeyPrefix: string;
  plaintextKeys: Record<string, string>;
  labels: {
    accounts: Record<string, { kind: string; id: string }>;
    groups: Record<string, { id: string; platform: string }>;
    apiKeys: Record<string, string>;
  };
  keys: Array<{ key: string; type: string; ttlMs: number; value: unknown }>;
}

export function readCrsRecording(): CrsRecording {
  const file = new URL('../fixtures/crs/recorded/crs-1.1.314.json', import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as CrsRecording;
}

export interface CrsRedis {
  url: string;
  redis: Redis;
  /** Every key with its type and value, to prove the import changed nothing there. */
  snapshot(): Promise<string>;
  destroy(): Promise<void>;
}

export async function startCrsRedis(): Promise<CrsRedis> {
  const server: RedisProcess = await startRedisProcess();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  return {
    url: server.url,
    redis,
    async snapshot() {
      const keys = (await redis.keys('*')).sort();
      const dumped: string[] = [];
      for (const key of keys) {
        const dump = await redis.dumpBuffer(key);
        dumped.push(`${key}=${dump?.toString('base64') ?? ''}`);
      }
      return dumped.join('\n');
    },
    async destroy() {
      redis.disconnect();
      await server.destroy();
    },
  };
}

/** Writes a recording's keys as they were (TTLs aside: the recording is replayed, not aged). */
export async function loadCrsRecording(redis: Redis, recording: CrsRecording): Promise<void> {
  const pipeline = redis.pipeline();
  for (const { key, type, value } of recording.keys) {
    if (type === 'string') pipeline.set(key, value as string);
    else if (type === 'hash') pipeline.hset(key, value as Record<string, string>);
    else if (type === 'set') pipeline.sadd(key, ...(value as string[]));
    else if (type === 'zset')
      for (const [member, score] of value as Array<[string, number]>) pipeline.zadd(key, score, member);
    else if (type === 'list') pipeline.rpush(key, ...(value as string[]));
    else if (type === 'stream') {
      for (const [, fields] of value as Array<[string, Record<string, string>]>) {
        pipeline.xadd(key, '*', ...Object.entries(fields).flat());
      }
    }
  }
  await pipeline.exec();
}
