// Cluster primary: owns the embedded Redis and the secrets, runs worker processes (each a full relay instance
// sharing the port), restarts crashed ones, and on shutdown stops the workers before it stops Redis.
import cluster, { type Address, type Worker } from 'node:cluster';
import { once } from 'node:events';
import type { Config } from '../config/config.js';
import { resolveSecrets } from '../config/secrets.js';
import type { Logger } from '../lib/logger.js';
import { startOwnedRedis } from '../server.js';
import type { EmbeddedRedis } from '../services/redis/embedded-redis.js';
import { exitWith, onShutdownSignal } from './exit-on-error.js';
import { stopWhenLauncherExits } from './launcher-watch.js';

/** More crashes than this within the window means something is wrong with the setup, not a passing fault. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;

export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  let stopping = false;
  // Created here once, before any worker reads them, so workers never race to generate different ones.
  try {
    resolveSecrets(config);
  } catch (error) {
    exitWith(error);
  }
  const redisStarting: Promise<EmbeddedRedis | undefined> = config.redis.endpoint
    ? Promise.resolve(undefined)
    : startOwnedRedis(config, logger);
  // Installed before anything else starts, so a signal during start-up still stops the embedded Redis.
  const shutdown = onShutdownSignal(stopAll, (message, error) =>
    error === undefined ? logger.info(message) : logger.error({ err: error }, message),
  );
  stopWhenLauncherExits(shutdown);
  let embedded: EmbeddedRedis | undefined;
  try {
    embedded = await redisStarting;
  } catch (error) {
    exitWith(error, (message) => logger.fatal({ err: error }, message));
  }
  if (stopping) return;
  const workerEnv = embedded ? { REDIS_URL: embedded.url } : {};

  const crashes: number[] = [];
  const fork = (): Worker => cluster.fork(workerEnv);

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && (crashes[0] ?? now) < now - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length > MAX_CRASHES) {
      logger.fatal({ crashes: crashes.length }, 'workers keep crashing; stopping');
      void stopAll().then(() => process.exit(1));
      return;
    }
    logger.error(
      { worker: worker.process.pid, code, signal },
      'worker exited unexpectedly; starting another',
    );
    setTimeout(fork, 1000).unref();
  });

  const workers = Array.from({ length: config.http.workers }, fork);
  try {
    const addresses = await Promise.all(
      workers.map((worker) =>
        Promise.race([
          once(worker, 'listening').then(([address]) => address as Address),
          once(worker, 'exit').then(([code]) =>
            Promise.reject(new Error(`a worker exited (${code}) while starting`)),
          ),
        ]),
      ),
    );
    const address = addresses[0];
    const host = address?.addressType === 6 ? `[${address.address}]` : address?.address;
    const url = `http://${host}:${address?.port}`;
    embedded?.recordServerUrl(url);
    logger.info(
      { url, workers: workers.length, redis: embedded ? 'embedded' : 'external' },
      `listening on ${url} with ${workers.length} workers`,
    );
    if (!logger.isLevelEnabled('info')) process.stdout.write(`listening on ${url}\n`);
  } catch (error) {
    // Workers exiting because a shutdown signal arrived mid-start is a clean stop, not a start-up failure.
    if (stopping) return;
    await stopAll();
    exitWith(error);
  }

  async function stopAll(): Promise<void> {
    stopping = true;
    const running = Object.values(cluster.workers ?? {}).filter(
      (worker): worker is Worker => worker !== undefined,
    );
    // Workers drain their own requests (up to SHUTDOWN_TIMEOUT_MS); past that plus a margin they are killed.
    const deadline = setTimeout(() => {
      for (const worker of running) worker.process.kill('SIGKILL');
    }, config.http.shutdownTimeoutMs + 5000);
    await Promise.all(
      running.map(async (worker) => {
        if (worker.isDead()) return;
        const exited = once(worker, 'exit');
        worker.process.kill('SIGTERM');
        await exited;
      }),
    );
    clearTimeout(deadline);
    const owned = await redisStarting.catch(() => undefined);
    await owned?.stop();
  }
}
