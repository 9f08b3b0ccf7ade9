// Opens the services the way the server does (same config, secrets and options) but without background jobs.
import path from 'node:path';
import type { Config } from '../config/config.js';
import { resolveSecrets } from '../config/secrets.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { describeEndpoint } from '../lib/redis-endpoint.js';
import { AccountTester } from '../relay/account-tester.js';
import { TransportRegistry } from '../relay/upstream/transports.js';
import { serviceOptionsFromConfig } from '../service-options.js';
import { createServices, type Services } from '../services/container.js';
import { EncryptionKeyMismatchError } from '../services/crypto/key-check.js';
import { readEmbeddedEndpoint } from '../services/redis/embedded-redis.js';

/** A failure the CLI explains in plain words (exit 1), as opposed to a usage mistake. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

function missingRedisUrl(config: Config): CliError {
  return new CliError(
    [
      "No Redis to work on. The admin CLI works on the server's Redis directly: either start the server on its",
      `embedded default with the same DATA_DIR (${config.dataDir}), or set REDIS_URL (or REDIS_SENTINELS) to the server's Redis, e.g.`,
      '  REDIS_URL=redis://127.0.0.1:6379 npm run cli -- keys list',
    ].join('\n'),
  );
}

/** Logs go to stderr so that stdout carries only the command's output (one JSON document with --json). */
export function createCliLogger(config: Config): Logger {
  return createLogger({ level: config.log.level, destination: process.stderr });
}

/** Opens the services on the server's Redis with the server's secrets, as `config` (the environment) says. */
export async function openServices(config: Config, logger: Logger): Promise<Services> {
  // With no Redis configured the server owns an embedded Redis and records where it listens under DATA_DIR.
  let redis = config.redis.endpoint;
  if (!redis) {
    const url = readEmbeddedEndpoint(path.join(config.dataDir, 'redis'));
    if (!url) throw missingRedisUrl(config);
    redis = { url };
  }
  // Never generate secrets here: credentials sealed with a key the server lacks would fail only later.
  const secrets = resolveSecrets(config, { generate: false });

  // An OAuth refresh the CLI causes (an account test, say) takes the account's proxy, as the server's would.
  const transports = new TransportRegistry({ connectTimeoutMs: config.upstream.connectTimeoutMs });
  try {
    const services = await createServices(
      serviceOptionsFromConfig(config, secrets, redis, {
        runJobs: false,
        logger,
        name: 'cli',
        dispatchers: transports,
        connectionTester: (parts) => new AccountTester({ ...parts, transports }),
      }),
    );
    return {
      ...services,
      async stop() {
        await services.stop();
        await transports.close();
      },
    };
  } catch (error) {
    await transports.close();
    if (error instanceof EncryptionKeyMismatchError) throw new CliError(error.message);
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot use Redis at ${describeEndpoint(redis)}: ${reason}`);
  }
}
