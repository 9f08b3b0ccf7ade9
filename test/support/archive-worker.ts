// A request-log archiver in a process of its own, so a test can kill it (SIGKILL) in the middle of a run.
import { createLogger } from '../../src/lib/logger.js';
import type { RedisEndpoint } from '../../src/lib/redis-endpoint.js';
import { createRedisClient } from '../../src/services/redis/connection.js';
import { createArchivePool } from '../../src/services/request-log/archive/archive-db.js';
import { RequestLogArchiver } from '../../src/services/request-log/archive/archive-job.js';
import { redisContext } from './request-log-entries.js';

const { ARCHIVE_REDIS_ENDPOINT, ARCHIVE_KEY_PREFIX, ARCHIVE_DATABASE_URL, ARCHIVE_BATCH_SIZE } = process.env;
if (!ARCHIVE_REDIS_ENDPOINT || !ARCHIVE_KEY_PREFIX || !ARCHIVE_DATABASE_URL) {
  throw new Error('ARCHIVE_REDIS_ENDPOINT, ARCHIVE_KEY_PREFIX and ARCHIVE_DATABASE_URL are required');
}
const logger = createLogger({ level: 'warn' });
const redis = await createRedisClient({
  endpoint: JSON.parse(ARCHIVE_REDIS_ENDPOINT) as RedisEndpoint,
  name: 'archive-worker',
});
const pool = createArchivePool(ARCHIVE_DATABASE_URL, logger);
const archiver = new RequestLogArchiver(redisContext(redis, ARCHIVE_KEY_PREFIX), pool, logger, {
  batchSize: Number(ARCHIVE_BATCH_SIZE ?? 500),
  intervalMs: 10,
});
archiver.start();
process.stdout.write('started\n');
