// One relay instance's notification services over their own Redis connections, on a shared key prefix: what
// the container will build, for tests that run one or several instances side by side.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import type { RedisEndpoint } from '../../src/lib/redis-endpoint.js';
import { SecretBox } from '../../src/services/crypto/secret-box.js';
import { EventBus } from '../../src/services/events/event-bus.js';
import { ChannelService } from '../../src/services/notify/channel-service.js';
import { DeliveryLog, type DeliveryOutcome } from '../../src/services/notify/delivery-log.js';
import { DeliveryQueue, type DeliveryQueueOptions } from '../../src/services/notify/delivery-queue.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../src/services/notify/delivery-worker.js';
import type { RedisClient } from '../../src/services/redis/connection.js';
import {
  closeRedis,
  createRedisClient,
  createSubscriberClient,
} from '../../src/services/redis/connection.js';
import { createKeys } from '../../src/services/redis/keys.js';
import type { RedisContext } from '../../src/services/redis/record-store.js';
import { ScriptRunner } from '../../src/services/redis/scripts.js';

export const NOTIFY_TEST_KEY = { id: 'notify-test', key: Buffer.alloc(32, 9) };

export const quietLogger: Logger = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

export interface NotifyInstance {
  context: RedisContext;
  channels: ChannelService;
  queue: DeliveryQueue;
  log: DeliveryLog;
  worker: DeliveryWorker;
  /** Stops the worker and closes this instance's connections. */
  stop(): Promise<void>;
}

export interface NotifyInstanceOptions {
  endpoint: RedisEndpoint;
  prefix: string;
  worker?: DeliveryWorkerOptions;
  queue?: DeliveryQueueOptions;
  logger?: Logger;
  /** Without pub/sub, workers on other instances find deliveries by polling only. */
  pubsub?: boolean;
}

export async function createNotifyInstance(options: NotifyInstanceOptions): Promise<NotifyInstance> {
  const opened: RedisClient[] = [];
  const redis = await createRedisClient({ endpoint: options.endpoint, name: 'notify-test' });
  opened.push(redis);
  let bus: EventBus | undefined;
  if (options.pubsub !== false) {
    const subscriber = await createSubscriberClient({ endpoint: options.endpoint, name: 'notify-test' });
    opened.push(subscriber);
    bus = new EventBus(redis, subscriber, createKeys(options.prefix));
  }
  const context: RedisContext = { redis, keys: createKeys(options.prefix), scripts: new ScriptRunner(redis) };
  const logger = options.logger ?? quietLogger;
  const channels = new ChannelService(context, new SecretBox({ current: NOTIFY_TEST_KEY }));
  const queue = new DeliveryQueue(context, channels, options.queue, bus, logger);
  const worker = new DeliveryWorker(queue, channels, logger, options.worker);
  return {
    context,
    channels,
    queue,
    log: new DeliveryLog(context),
    worker,
    async stop() {
      await worker.stop();
      await Promise.all(opened.map((client) => closeRedis(client)));
    },
  };
}

export interface DeliveryRecorder {
  /** Pass as the worker's `onDelivery`. */
  onDelivery: (kind: string, result: DeliveryOutcome) => void;
  results: Array<{ kind: string; result: DeliveryOutcome }>;
  /** Resolves once `count` attempts with this result have been recorded. */
  until(result: DeliveryOutcome, count: number): Promise<void>;
}

/** Counts recorded attempts by result, so tests await them instead of sleeping. */
export function deliveryRecorder(): DeliveryRecorder {
  const results: Array<{ kind: string; result: DeliveryOutcome }> = [];
  const waiters: Array<{ result: DeliveryOutcome; count: number; resolve: () => void }> = [];
  const seen = (result: DeliveryOutcome) => results.filter((entry) => entry.result === result).length;
  return {
    results,
    onDelivery(kind, result) {
      results.push({ kind, result });
      for (const waiter of [...waiters]) {
        if (seen(waiter.result) >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    },
    until(result, count) {
      if (seen(result) >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ result, count, resolve }));
    },
  };
}
