// Composition root: wires config, Redis (external or embedded), services and the HTTP app into a running server.
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from './config/config.js';
import { resolveSecrets } from './config/secrets.js';
import { type App, buildApp } from './http/app.js';
import type { Logger } from './lib/logger.js';
import { closeRedis, createRedisClient } from './services/redis/connection.js';
import { type EmbeddedRedis, startEmbeddedRedis } from './services/redis/embedded-redis.js';
import { createKeys } from './services/redis/keys.js';
import { ScriptRunner } from './services/redis/scripts.js';
import { ensureFirstAdmin } from './services/users/first-admin.js';
import { UserService } from './services/users/user-service.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly redisUrl: string;
  readonly app: App;
  /** Graceful: drains requests up to the configured deadline, closes Redis, stops an embedded Redis. */
  stop(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const cleanups: Array<() => Promise<void>> = [];
  const runCleanups = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'error during shutdown');
      }
    }
  };

  try {
    resolveSecrets(config);
    let redisUrl = config.redis.url;
    if (!redisUrl) {
      const embedded: EmbeddedRedis = await startEmbeddedRedis({
        bin: config.redis.serverBin,
        dataDir: path.join(config.dataDir, 'redis'),
        persist: true,
      });
      cleanups.push(() => embedded.stop());
      redisUrl = embedded.url;
      logger.info(
        { port: embedded.port, pid: embedded.pid, dataDir: path.join(config.dataDir, 'redis') },
        'started embedded redis',
      );
    }

    const redis: Redis = await createRedisClient({ url: redisUrl, name: 'relay' });
    cleanups.push(() => closeRedis(redis));
    const keys = createKeys(config.redis.keyPrefix);
    new ScriptRunner(redis);

    const users = new UserService(redis, keys);
    await ensureFirstAdmin(users, config.admin, logger);

    const app = buildApp({
      logger,
      bodyLimitBytes: config.http.bodyLimitBytes,
      shutdownTimeoutMs: config.http.shutdownTimeoutMs,
      trustProxy: config.http.trustProxy,
      checkReady: () => pingWithin(redis, 1000),
    });
    const { port, url } = await app.start(config.http.port, config.http.host);
    cleanups.push(() => app.stop());

    return {
      url,
      port,
      redisUrl,
      app,
      stop: runCleanups,
    };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}

async function pingWithin(redis: Redis, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('redis ping timed out')), timeoutMs);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
