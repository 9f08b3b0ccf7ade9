// Builds the real service container on the test Redis in a fresh prefix, without background jobs.
import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger.js';
import { createServices, type ServiceOptions, type Services } from '../../src/services/container.js';
import { closeRedis, createRedisClient } from '../../src/services/redis/connection.js';
import { deletePrefix, testRedisEndpoint } from './redis.js';

export const TEST_ENCRYPTION_KEY = { id: 'test-1', key: Buffer.alloc(32, 7) };

export const silentLogger = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

export async function createTestServices(overrides: Partial<ServiceOptions> = {}): Promise<Services> {
  const keyPrefix = overrides.keyPrefix ?? `t:${Math.random().toString(36).slice(2, 10)}:`;
  const services = await createServices({
    redis: testRedisEndpoint(),
    keyPrefix,
    encryptionKey: TEST_ENCRYPTION_KEY,
    tokenSigningKey: 'test-token-signing-key-0123456789abcdef',
    apiKeyPrefix: 'cr_',
    ledgerMaxEntries: 10_000,
    retention: { hour: 1, day: 2, month: 3 },
    runJobs: false,
    logger: silentLogger,
    ...overrides,
  });
  // Tests may share a Redis (REDIS_URL): stopping also removes the test's keys.
  const stop = services.stop;
  return {
    ...services,
    async stop() {
      await stop();
      const redis = await createRedisClient({ endpoint: testRedisEndpoint(), name: 'test-cleanup' });
      await deletePrefix(redis, keyPrefix);
      await closeRedis(redis);
    },
  };
}
