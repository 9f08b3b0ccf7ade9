// Several instances delivering from one queue: every notification exactly once whichever worker claims it,
// and a delivery claimed by an instance that died is delivered by another once its lease runs out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../src/services/notify/delivery-queue.js';
import { sampleNotification } from '../support/notify-fixtures.js';
import { createNotifyInstance, deliveryRecorder, type NotifyInstance } from '../support/notify-instance.js';
import { type Receiver, startReceiver } from '../support/notify-receiver.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

describe('notification workers on several instances', () => {
  let t: TestRedis;
  let instances: NotifyInstance[] = [];
  let hook: Receiver;

  beforeEach(async () => {
    t = await createTestRedis();
    hook = await startReceiver();
  });
  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    instances = [];
    await hook.close();
    await t.cleanup();
  });

  it('delivers each of N notifications exactly once with two workers running', async () => {
    const recorder = deliveryRecorder();
    const options = { concurrency: 3, pollIntervalMs: 50, onDelivery: recorder.onDelivery };
    const [a, b] = await Promise.all([
      createNotifyInstance({ endpoint: t.endpoint, prefix: t.prefix, worker: options }),
      createNotifyInstance({ endpoint: t.endpoint, prefix: t.prefix, worker: options }),
    ]);
    if (!a || !b) throw new Error('instances not created');
    instances = [a, b];
    await Promise.all([a.worker.start(), b.worker.start()]);
    const { channel } = await a.channels.create({ name: 'hook', kind: 'webhook', url: hook.url });

    const notifications = Array.from({ length: 40 }, () => sampleNotification());
    // Both instances enqueue every notification, as two alert evaluators might.
    await Promise.all(
      notifications.flatMap((notification) => [
        a.queue.enqueue(notification, [channel.id]),
        b.queue.enqueue(notification, [channel.id]),
      ]),
    );
    await recorder.until('delivered', notifications.length);
    // Stopping waits for sends in flight, so a duplicate would have arrived by now.
    await Promise.all([a.worker.stop(), b.worker.stop()]);

    const ids = hook.requests.map((request) => String(request.headers['webhook-id']));
    expect(ids).toHaveLength(notifications.length);
    expect(new Set(ids)).toEqual(new Set(notifications.map((notification) => notification.id)));
    expect(recorder.results).toHaveLength(notifications.length);
    expect(await t.redis.zcard(t.keys.notifyDue())).toBe(0);
  });

  it('wakes an idle worker on another instance through pub/sub, long before its next poll', async () => {
    const recorder = deliveryRecorder();
    const sender = await createNotifyInstance({ endpoint: t.endpoint, prefix: t.prefix });
    const idle = await createNotifyInstance({
      endpoint: t.endpoint,
      prefix: t.prefix,
      worker: { pollIntervalMs: 60_000, onDelivery: recorder.onDelivery },
    });
    instances = [sender, idle];
    await idle.worker.start();
    const { channel } = await sender.channels.create({ name: 'hook', kind: 'webhook', url: hook.url });
    const enqueuedAt = Date.now();
    // The sender runs no worker: only the idle instance can deliver, and only if it is told.
    await sender.queue.enqueue(sampleNotification(), [channel.id]);
    await hook.received(1);
    expect(Date.now() - enqueuedAt).toBeLessThan(2_000);
    await recorder.until('delivered', 1);
  });

  it('delivers once, after the lease, what a dead instance claimed and never completed', async () => {
    const dead = await createNotifyInstance({ endpoint: t.endpoint, prefix: t.prefix });
    instances.push(dead);
    const { channel } = await dead.channels.create({ name: 'hook', kind: 'webhook', url: hook.url });
    const notification = sampleNotification();
    await dead.queue.enqueue(notification, [channel.id]);
    // The dead instance's worker claimed it and then the process was killed: no send, no completion.
    const leaseMs = 400;
    const claimedAt = Date.now();
    const [claim] = await dead.queue.claim(10, leaseMs, 'dead-instance');
    expect(claim?.id).toBe(DeliveryQueue.deliveryId(notification.id, channel.id));

    const recorder = deliveryRecorder();
    const survivor = await createNotifyInstance({
      endpoint: t.endpoint,
      prefix: t.prefix,
      worker: { pollIntervalMs: 50, leaseMs: 2_000, timeoutMs: 1_000, onDelivery: recorder.onDelivery },
    });
    instances.push(survivor);
    await survivor.worker.start();
    await hook.received(1);
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(leaseMs - 20);
    await recorder.until('delivered', 1);
    await survivor.worker.stop();

    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]?.headers['webhook-id']).toBe(notification.id);
    expect(await survivor.queue.status(claim?.id ?? '')).toMatchObject({ status: 'delivered', attempts: 2 });
    const log = (await survivor.log.list(channel.id)).items;
    expect(log.map((entry) => [entry.attempt, entry.status])).toEqual([[2, 'delivered']]);

    // Were the dead instance to come back and report, its stale claim changes nothing.
    const [entry] = log;
    if (!claim || !entry) throw new Error('nothing claimed or logged');
    const late = await dead.queue.complete(claim, {
      outcome: 'failed',
      log: true,
      entry: { ...entry, status: 'failed', attempt: claim.attempt },
    });
    expect(late).toBe(false);
    expect(await survivor.queue.status(claim.id)).toMatchObject({ status: 'delivered' });
    expect((await survivor.log.list(channel.id)).items).toHaveLength(1);
  });
});
