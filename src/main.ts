// Process entry point: configuration errors exit 1 with a message; SIGTERM/SIGINT shut down gracefully, exit 0.
import { ConfigError, loadConfig, readEnvironment } from './config/config.js';
import { createLogger } from './lib/logger.js';
import { startServer } from './server.js';
import { EncryptionKeyMismatchError } from './services/crypto/key-check.js';
import { RedisBinaryMissingError } from './services/redis/embedded-redis.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    exitWith(error);
  }
  const logger = createLogger({ level: config.log.level });

  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config, logger);
  } catch (error) {
    exitWith(error, (message) => logger.fatal({ err: error }, message));
  }
  logger.info(
    { url: server.url, redis: config.redis.url ? 'external' : 'embedded' },
    `listening on ${server.url}`,
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C means "now"; a repeated SIGTERM (supervisors sometimes send two) changes nothing.
      if (signal !== 'SIGINT') return;
      logger.warn({ signal }, 'second interrupt during shutdown; exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Known start-up failures get a plain message; anything else is logged in full. Always exit code 1. */
function exitWith(error: unknown, log?: (message: string) => void): never {
  const known =
    error instanceof ConfigError ||
    error instanceof RedisBinaryMissingError ||
    error instanceof EncryptionKeyMismatchError;
  const message = known
    ? error.message
    : `failed to start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${message}\n`);
  if (!known) log?.(message);
  process.exit(1);
}

void main();
