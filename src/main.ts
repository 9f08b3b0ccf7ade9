// Process entry point: one relay process, or with WORKERS > 1 a cluster primary and its workers.
import cluster from 'node:cluster';
import { loadConfig, readEnvironment } from './config/config.js';
import { createLogger } from './lib/logger.js';
import { describeEndpoint } from './lib/redis-endpoint.js';
import { runPrimary } from './process/cluster-primary.js';
import { exitWith, onShutdownSignal } from './process/exit-on-error.js';
import { stopWhenLauncherExits } from './process/launcher-watch.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    exitWith(error);
  }
  const logger = createLogger({ level: config.log.level });
  if (cluster.isPrimary && config.http.workers > 1) {
    await runPrimary(config, logger);
    return;
  }

  // Handlers go in before starting: a signal during start-up must still stop what has started (the embedded
  // Redis above all), not kill the process with the default action and orphan it.
  const starting = startServer(config, logger);
  const shutdown = onShutdownSignal(
    async () => {
      const running = await starting.catch(() => undefined);
      await running?.stop();
    },
    (message, error) => (error === undefined ? logger.info(message) : logger.error({ err: error }, message)),
  );
  stopWhenLauncherExits(shutdown);
  let server: Awaited<typeof starting>;
  try {
    server = await starting;
  } catch (error) {
    exitWith(error, (message) => logger.fatal({ err: error }, message));
  }
  // In a cluster the primary announces the address once, for all workers.
  if (cluster.isPrimary) {
    logger.info(
      {
        url: server.url,
        redis: config.redis.endpoint ? describeEndpoint(config.redis.endpoint) : 'embedded',
      },
      `listening on ${server.url}`,
    );
    // People must learn where the server listens even when they turned info logs off.
    if (!logger.isLevelEnabled('info')) process.stdout.write(`listening on ${server.url}\n`);
  }
}

void main();
