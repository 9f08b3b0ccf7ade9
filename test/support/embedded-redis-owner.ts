// A process that starts an embedded Redis and then just runs, so a test can kill it and watch what its Redis does.
import { startEmbeddedRedis } from '../../src/services/redis/embedded-redis.js';

const dataDir = process.argv[2];
const redis = await startEmbeddedRedis(
  dataDir ? { bin: 'redis-server', dataDir, persist: true } : { bin: 'redis-server', persist: false },
);
process.stdout.write(`${JSON.stringify({ url: redis.url, pid: redis.pid })}\n`);
// Keeps the event loop alive until the test kills this process.
setInterval(() => {}, 60_000);
