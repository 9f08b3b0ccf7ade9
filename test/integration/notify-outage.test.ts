// The delivery worker through a Redis outage: it reports the outage once, keeps going, and delivers again
// as soon as Redis is back, without a restart.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { sampleNotification } from '../support/notify-fixtures.js';
import { createNotifyInstance, deliveryRecorder, type NotifyInstance } from '../support/notify-instance.js';
import { type Receiver, startReceiver } from '../support/notify-receiver.js';
import { type RedisProcess, startRedisProcess } from '../support/redis-process.js';

/** A logger whose lines a test can await. */
function watchedLogger() {
  const lines: string[] = [];
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const line = chunk.toString();
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (line.includes(waiter.text)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
        callback();
      },
    }),
  });
  const logged = (text: string) =>
    lines.some((line) => line.includes(text))
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ text, resolve }));
  return { logger, lines, logged };
}

describe('notification worker through a Redis outage', () => {
  let redis: RedisProcess;
  let notify: NotifyInstance;
  let hook: Receiver;

  beforeEach(async () => {
    redis = await startRedisProcess();
    hook = await startReceiver();
  });
  afterEach(async () => {
    await notify.stop();
    await hook.close();
    await redis.destroy();
  });

  it('logs the outage once, keeps polling, and delivers once Redis is back', async () => {
    const watched = watchedLogger();
    const recorder = deliveryRecorder();
    notify = await createNotifyInstance({
      endpoint: { url: redis.url },
      prefix: 'outage:',
      logger: watched.logger,
      worker: { pollIntervalMs: 50, onDelivery: recorder.onDelivery },
    });
    await notify.worker.start();
    const { channel } = await notify.channels.create({ name: 'hook', kind: 'webhook', url: hook.url });
    await notify.queue.enqueue(sampleNotification(), [channel.id]);
    await recorder.until('delivered', 1);

    await redis.stop();
    await watched.logged('cannot read the queue');
    await redis.start();
    await watched.logged('Redis answers again');
    expect(watched.lines.filter((line) => line.includes('cannot read the queue'))).toHaveLength(1);

    const after = sampleNotification();
    await notify.queue.enqueue(after, [channel.id]);
    await recorder.until('delivered', 2);
    expect(hook.requests.map((request) => request.headers['webhook-id'])).toContain(after.id);
    expect(hook.requests).toHaveLength(2);
  });
});
