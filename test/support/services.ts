// Builds the real service container on the test Redis in a fresh prefix, without background jobs.
import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger.js';
import { createServices, type ServiceOptions, type Services } from '../../src/services/container.js';
import { testRedisUrl } from './redis.js';

export const TEST_ENCRYPTION_KEY = { id: 'test-1', key: Buffer.alloc(32, 7) };

export const silentLogger = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

export async function createTestServices(overrides: Partial<ServiceOptions> = {}): Promise<Services> {
  return createServices({
    redisUrl: testRedisUrl(),
    keyPrefix: `t:${Math.random().toString(36).slice(2, 10)}:`,
    encryptionKey: TEST_ENCRYPTION_KEY,
    apiKeyPrefix: 'cr_',
    ledgerMaxEntries: 10_000,
    retention: { hour: 1, day: 2, month: 3 },
    runJobs: false,
    logger: silentLogger,
    ...overrides,
  });
}
