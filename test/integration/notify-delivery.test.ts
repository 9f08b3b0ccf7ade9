// Delivering notifications to real HTTP receivers on loopback: signed webhooks, vendor shapes, retries with
// backoff until delivered or failed, timeouts and refused connections that never hold up enqueue, dedupe, and
// a delivery log without secrets.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../src/services/notify/delivery-queue.js';
import type { DeliveryWorkerOptions } from '../../src/services/notify/delivery-worker.js';
import { sampleNotification } from '../support/notify-fixtures.js';
import {
  createNotifyInstance,
  type DeliveryRecorder,
  deliveryRecorder,
  type NotifyInstance,
} from '../support/notify-instance.js';
import { type Answer, type Receiver, startReceiver, unusedPort } from '../support/notify-receiver.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

const FAST_RETRIES: DeliveryWorkerOptions = {
  backoff: { baseMs: 20, capMs: 50, maxAttempts: 4 },
  timeoutMs: 300,
  leaseMs: 2_000,
};

describe('notification delivery', () => {
  let t: TestRedis;
  let notify: NotifyInstance;
  let recorder: DeliveryRecorder;
  const receivers: Receiver[] = [];

  beforeEach(async () => {
    t = await createTestRedis();
  });
  afterEach(async () => {
    await notify.stop();
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    await t.cleanup();
  });

  const start = async (worker: DeliveryWorkerOptions = {}) => {
    recorder = deliveryRecorder();
    notify = await createNotifyInstance({
      endpoint: t.endpoint,
      prefix: t.prefix,
      worker: { ...worker, onDelivery: recorder.onDelivery },
    });
    await notify.worker.start();
  };
  const receiver = async (answer?: (index: number) => Answer) => {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  };

  it('delivers a generic webhook signed per Standard Webhooks, within 2 s of the event', async () => {
    await start();
    const hook = await receiver();
    const created = await notify.channels.create({
      name: 'hook',
      kind: 'webhook',
      url: `${hook.url}/in?x=1`,
    });
    const secret = created.signingSecret ?? '';
    const notification = sampleNotification();
    const enqueuedAt = Date.now();
    await notify.queue.enqueue(notification, [created.channel.id]);
    const [request] = await hook.received(1);
    expect(Date.now() - enqueuedAt).toBeLessThan(2_000);

    expect(request?.url).toBe('/in?x=1');
    expect(request?.headers['webhook-id']).toBe(notification.id);
    const timestamp = Number(request?.headers['webhook-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(`${notification.id}.${timestamp}.${request?.body}`)
      .digest('base64');
    expect(request?.headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(request?.json()).toEqual({
      type: 'alert.firing',
      timestamp: '2026-01-02T03:04:05.000Z',
      data: notification,
    });

    await recorder.until('delivered', 1);
    const deliveryId = DeliveryQueue.deliveryId(notification.id, created.channel.id);
    expect(await notify.queue.status(deliveryId)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastResult: 'HTTP 200',
    });
    expect((await notify.log.list(created.channel.id)).items[0]).toMatchObject({
      deliveryId,
      status: 'delivered',
    });
  });

  it('delivers a Slack-shaped message to a Slack channel', async () => {
    await start();
    const slack = await receiver();
    const { channel } = await notify.channels.create({
      name: 'slack',
      kind: 'slack',
      webhookUrl: `${slack.url}/services/T1/B1/secret-slack-token`,
    });
    await notify.queue.enqueue(sampleNotification(), [channel.id]);
    const [request] = await slack.received(1);
    expect(request?.url).toBe('/services/T1/B1/secret-slack-token');
    const body = request?.json() as { text: string; blocks: Array<{ type: string }> };
    expect(body.text).toContain('Error rate above 5%');
    expect(body.blocks.map((block) => block.type)).toEqual(['header', 'section', 'section', 'context']);
  });

  it('retries a failing receiver with backoff and delivers exactly once', async () => {
    await start(FAST_RETRIES);
    const flaky = await receiver((index) => (index < 3 ? { status: 500, body: 'boom' } : { status: 200 }));
    const { channel } = await notify.channels.create({ name: 'flaky', kind: 'webhook', url: flaky.url });
    const notification = sampleNotification();
    await notify.queue.enqueue(notification, [channel.id]);
    await recorder.until('delivered', 1);

    expect(flaky.requests).toHaveLength(4);
    expect(new Set(flaky.requests.map((request) => request.headers['webhook-id']))).toEqual(
      new Set([notification.id]),
    );
    const log = (await notify.log.list(channel.id)).items.reverse();
    expect(log.map((entry) => [entry.attempt, entry.status, entry.httpStatus])).toEqual([
      [1, 'retrying', 500],
      [2, 'retrying', 500],
      [3, 'retrying', 500],
      [4, 'delivered', 200],
    ]);
    expect(log[0]?.error).toBe('HTTP 500: boom');
    expect(log[0]?.notification).toEqual({
      id: notification.id,
      type: 'alert.firing',
      severity: 'critical',
      title: notification.title,
    });
    // Nothing is left to send again, and the record expires after the retention (7 days by default).
    expect(await t.redis.zcard(t.keys.notifyDue())).toBe(0);
    const ttl = await t.redis.pttl(t.keys.notifyDelivery(log[0]?.deliveryId ?? ''));
    expect(ttl).toBeGreaterThan(7 * 24 * 3_600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3_600_000);
  });

  it('gives up on a receiver that never answers and on a closed port, without holding up enqueue', async () => {
    await start({ ...FAST_RETRIES, backoff: { baseMs: 10, capMs: 20, maxAttempts: 3 }, timeoutMs: 600 });
    const silent = await receiver(() => 'hang');
    const hanging = await notify.channels.create({
      name: 'silent',
      kind: 'slack',
      webhookUrl: `${silent.url}/services/T/B/hanging-token`,
    });
    const closed = await notify.channels.create({
      name: 'closed',
      kind: 'telegram',
      botToken: '42:closed-port-token',
      chatId: '7',
      apiBaseUrl: `http://127.0.0.1:${await unusedPort()}`,
    });
    const startedAt = performance.now();
    await notify.queue.enqueue(sampleNotification(), [hanging.channel.id, closed.channel.id]);
    // Well under one send's timeout: enqueue only writes to Redis.
    expect(performance.now() - startedAt).toBeLessThan(300);

    await recorder.until('failed', 2);
    const silentLog = (await notify.log.list(hanging.channel.id)).items.reverse();
    expect(silentLog.map((entry) => entry.status)).toEqual(['retrying', 'retrying', 'failed']);
    expect(silentLog.every((entry) => entry.error === 'no answer within 600 ms')).toBe(true);
    expect(silent.requests).toHaveLength(3);
    const closedLog = (await notify.log.list(closed.channel.id)).items.reverse();
    expect(closedLog.map((entry) => entry.status)).toEqual(['retrying', 'retrying', 'failed']);
    expect(closedLog[0]?.error).toMatch(/ECONNREFUSED/);
    expect(closedLog[0]?.httpStatus).toBeUndefined();

    const deliveryId = closedLog[0]?.deliveryId ?? '';
    expect(await notify.queue.status(deliveryId)).toMatchObject({ status: 'failed', attempts: 3 });
    const text = JSON.stringify([silentLog, closedLog, await notify.queue.status(deliveryId)]);
    expect(text).not.toContain('hanging-token');
    expect(text).not.toContain('closed-port-token');
  });

  it('does not retry a refusal that would be refused again, and keeps the bot token out of the log', async () => {
    await start(FAST_RETRIES);
    const telegram = await receiver(() => ({
      status: 400,
      body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}',
    }));
    const { channel } = await notify.channels.create({
      name: 'tg',
      kind: 'telegram',
      botToken: '99:telegram-secret-token',
      chatId: '-1001',
      apiBaseUrl: telegram.url,
    });
    await notify.queue.enqueue(sampleNotification(), [channel.id]);
    await recorder.until('failed', 1);
    expect(telegram.requests).toHaveLength(1);
    expect(telegram.requests[0]?.url).toBe('/bot99:telegram-secret-token/sendMessage');
    expect(telegram.requests[0]?.json()).toMatchObject({ chat_id: '-1001', parse_mode: 'HTML' });
    const [entry] = (await notify.log.list(channel.id)).items;
    expect(entry).toMatchObject({ status: 'failed', attempt: 1, httpStatus: 400 });
    expect(entry?.error).toContain('chat not found');
    expect(JSON.stringify(entry)).not.toContain('telegram-secret-token');
  });

  it('delivers a notification enqueued twice only once', async () => {
    await start();
    const hook = await receiver();
    const { channel } = await notify.channels.create({ name: 'hook', kind: 'webhook', url: hook.url });
    const notification = sampleNotification();
    const first = await notify.queue.enqueueAll(notification, [channel.id, channel.id]);
    const [second] = await Promise.all([
      notify.queue.enqueueAll(notification, [channel.id]),
      notify.queue.enqueue(notification, [channel.id]),
    ]);
    expect(first).toHaveLength(1);
    expect(first[0]?.queued).toBe(true);
    expect(second[0]).toMatchObject({ deliveryId: first[0]?.deliveryId, queued: false });
    await recorder.until('delivered', 1);
    await notify.worker.stop();
    expect(hook.requests).toHaveLength(1);
    expect(recorder.results).toHaveLength(1);
    // Once delivered, the same event stays deduplicated.
    expect((await notify.queue.enqueueAll(notification, [channel.id]))[0]?.queued).toBe(false);
  });

  it('skips disabled channels for alerts, but sends them test notifications', async () => {
    await start();
    const hook = await receiver();
    const { channel } = await notify.channels.create({
      name: 'off',
      kind: 'webhook',
      url: hook.url,
      enabled: false,
    });
    expect(await notify.queue.enqueueAll(sampleNotification(), [channel.id, 'chn_missing'])).toEqual([]);
    const deliveryId = await notify.queue.testSend(channel.id);
    const [request] = await hook.received(1);
    expect(request?.json()).toMatchObject({
      type: 'channel.test',
      data: { facts: { channel: 'off', kind: 'webhook' } },
    });
    await recorder.until('delivered', 1);
    expect(await notify.queue.status(deliveryId)).toMatchObject({
      status: 'delivered',
      channelId: channel.id,
      notification: { type: 'channel.test' },
    });
    await expect(notify.queue.testSend('chn_missing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps each channel log capped, newest first, and pages it', async () => {
    recorder = deliveryRecorder();
    notify = await createNotifyInstance({
      endpoint: t.endpoint,
      prefix: t.prefix,
      queue: { logLength: 5 },
      worker: { onDelivery: recorder.onDelivery, concurrency: 2 },
    });
    await notify.worker.start();
    const hook = await receiver();
    const { channel } = await notify.channels.create({ name: 'hook', kind: 'webhook', url: hook.url });
    const notifications = Array.from({ length: 8 }, () => sampleNotification());
    for (const notification of notifications) await notify.queue.enqueue(notification, [channel.id]);
    await recorder.until('delivered', 8);
    expect(await t.redis.xlen(t.keys.notifyLog(channel.id))).toBe(5);
    const first = await notify.log.list(channel.id, { limit: 3 });
    const rest = await notify.log.list(channel.id, {
      limit: 3,
      ...(first.nextCursor ? { cursor: first.nextCursor } : {}),
    });
    const entries = [...first.items, ...rest.items];
    expect(entries).toHaveLength(5);
    expect(rest.nextCursor).toBeUndefined();
    const ats = entries.map((entry) => entry.at);
    expect([...ats].sort((a, b) => b - a)).toEqual(ats);
    await expect(notify.log.list(channel.id, { cursor: 'nope' })).rejects.toMatchObject({
      details: { field: 'cursor' },
    });
  });
});
