// The notification delivery queue in Redis: enqueue (once per notification and channel), claim with a lease,
// complete, read a delivery's status. Enqueueing touches Redis only; sending is the DeliveryWorker's.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { newId } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';
import type { EventBus } from '../events/event-bus.js';
import { execOrThrow, type RedisContext } from '../redis/record-store.js';
import { pipelineResult } from '../redis/scripts.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import { parseInput } from '../validation.js';
import type { ChannelService } from './channel-service.js';
import type { DeliveryLogEntry, DeliveryOutcome } from './delivery-log.js';
import { type Notification, type NotificationSink, notificationSchema } from './notification.js';

/** Published when deliveries were queued, so idle workers on other instances start at once. */
export const NOTIFY_TOPIC = 'notify-deliveries';

export interface DeliveryQueueOptions {
  /** How long a delivery record lives: its status stays readable and its id deduplicated (default 7 days). */
  retentionMs?: number;
  /** Entries kept in each channel's delivery log (default 200). */
  logLength?: number;
}

export const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;
export const DEFAULT_LOG_LENGTH = 200;

export interface QueuedDelivery {
  channelId: string;
  deliveryId: string;
  /** False when this (notification, channel) was already queued or delivered. */
  queued: boolean;
}

export interface ClaimedDelivery {
  id: string;
  attempt: number;
  channelId: string;
  kind: string;
  /** Undefined when the stored notification no longer parses (a record from an incompatible version). */
  notification: Notification | undefined;
  /** The claimer token the claim was made with; completion checks it. */
  claimer: string;
}

export interface Completion {
  outcome: DeliveryOutcome;
  /** For `retrying`: when the next attempt is due, ms. */
  nextAttemptAt?: number;
  /** The attempt's log entry. */
  entry: DeliveryLogEntry;
  /** False when the channel is gone: nothing is written to its (deleted) log. */
  log: boolean;
}

export const DELIVERY_STATUSES = ['queued', 'sending', 'retrying', 'delivered', 'failed'] as const;

const deliveryStatusSchema = z.object({
  id: z.string(),
  channelId: z.string(),
  kind: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  /** Attempts started so far. */
  attempts: z.coerce.number().int(),
  createdAt: z.coerce.number().int(),
  updatedAt: z.coerce.number().int(),
  /** The next attempt (queued, retrying) or the current lease's end (sending). */
  nextAttemptAt: z.coerce.number().int().optional(),
  /** The last attempt's HTTP status or error. */
  lastResult: z.string().optional(),
  notification: z.object({ id: z.string(), type: z.string(), title: z.string() }),
});
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export type EnqueueListener = () => void;

export class DeliveryQueue implements NotificationSink {
  private readonly retentionMs: number;
  private readonly logLength: number;
  private readonly listeners = new Set<EnqueueListener>();

  constructor(
    private readonly context: RedisContext,
    private readonly channels: ChannelService,
    options: DeliveryQueueOptions = {},
    /** Wakes workers on other instances; without it they find new deliveries on their next poll. */
    private readonly bus?: EventBus,
    private readonly logger?: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.logLength = options.logLength ?? DEFAULT_LOG_LENGTH;
  }

  /** The delivery id of a notification on a channel: the same on every instance, which is what dedupes. */
  static deliveryId(notificationId: string, channelId: string): string {
    return `dlv_${createHash('sha256').update(`${notificationId}\n${channelId}`).digest('hex').slice(0, 32)}`;
  }

  async enqueue(notification: Notification, channelIds: readonly string[]): Promise<void> {
    await this.enqueueAll(notification, channelIds);
  }

  /**
   * Queues the notification for each listed channel that exists and is enabled (test sends go to disabled
   * channels too, so one can be tried before it is switched on). Channels that do not exist are skipped.
   */
  async enqueueAll(notification: Notification, channelIds: readonly string[]): Promise<QueuedDelivery[]> {
    const checked = parseInput(notificationSchema, notification);
    const channels = await this.channels.lookup([...new Set(channelIds)]);
    const targets = [...channels.values()].filter(
      (channel) => channel.enabled || checked.type === 'channel.test',
    );
    if (targets.length === 0) return [];
    const { redis, keys, scripts } = this.context;
    const now = this.now();
    const json = JSON.stringify(checked);
    const pipeline = crossSlotPipeline(redis);
    const deliveryIds = targets.map((channel) => {
      const deliveryId = DeliveryQueue.deliveryId(checked.id, channel.id);
      scripts.queue(
        pipeline,
        'notify-enqueue',
        [keys.notifyDue(), keys.notifyDelivery(deliveryId)],
        [deliveryId, now, this.retentionMs, json, channel.id, channel.kind],
      );
      return deliveryId;
    });
    const results = await execOrThrow(pipeline);
    const queued = targets.map((channel, index) => ({
      channelId: channel.id,
      deliveryId: deliveryIds[index] ?? '',
      queued: pipelineResult(results[index]) === 1,
    }));
    if (queued.some((delivery) => delivery.queued)) this.announce();
    return queued;
  }

  /** Queues a `channel.test` notification for one channel; returns its delivery id. */
  async testSend(channelId: string): Promise<string> {
    const channel = await this.channels.require(channelId);
    const notification: Notification = {
      id: newId('ntf'),
      type: 'channel.test',
      at: this.now(),
      severity: 'info',
      title: `Test notification for ${channel.name}`,
      text: `This is a test message from the relay for the ${channel.kind} channel "${channel.name}". If you can read it, the channel works.`,
      facts: { channel: channel.name, kind: channel.kind },
    };
    const [delivery] = await this.enqueueAll(notification, [channelId]);
    return delivery?.deliveryId ?? DeliveryQueue.deliveryId(notification.id, channelId);
  }

  async status(deliveryId: string): Promise<DeliveryStatus | undefined> {
    const fields = await this.context.redis.hgetall(this.context.keys.notifyDelivery(deliveryId));
    if (fields.notification === undefined) return undefined;
    const notification = readStored(fields.notification);
    const parsed = deliveryStatusSchema.safeParse({ ...fields, id: deliveryId, notification });
    return parsed.success ? parsed.data : undefined;
  }

  /** Claims up to `count` due deliveries for `claimer`, each hidden from other workers for `leaseMs`. */
  async claim(count: number, leaseMs: number, claimer: string): Promise<ClaimedDelivery[]> {
    const { keys, scripts, redis } = this.context;
    const now = this.now();
    // What is due is read first, so that the claim declares each delivery's record (a cluster checks only
    // declared keys); the script skips any another worker claimed in between.
    const due = await redis.zrangebyscore(keys.notifyDue(), '-inf', now, 'LIMIT', 0, count);
    if (due.length === 0) return [];
    const reply = await scripts.run(
      'notify-claim',
      [keys.notifyDue(), ...due.map(keys.notifyDelivery)],
      [keys.notifySlotPrefix(), now, leaseMs, claimer, ...due],
    );
    const values = Array.isArray(reply) ? reply.map(String) : [];
    const claimed: ClaimedDelivery[] = [];
    for (let index = 0; index + 4 < values.length; index += 5) {
      const [id = '', attempt = '0', json = '', channelId = '', kind = ''] = values.slice(index, index + 5);
      claimed.push({
        id,
        attempt: Number(attempt),
        channelId,
        kind,
        notification: readStored(json),
        claimer,
      });
    }
    return claimed;
  }

  /** Records an attempt's outcome; false when the claim was no longer this worker's (its lease had run out). */
  async complete(claim: ClaimedDelivery, completion: Completion): Promise<boolean> {
    const { keys, scripts } = this.context;
    const { entry } = completion;
    const written = await scripts.run(
      'notify-complete',
      [keys.notifyDue(), keys.notifyDelivery(claim.id), keys.notifyLog(claim.channelId)],
      [
        claim.id,
        claim.claimer,
        claim.attempt,
        completion.outcome,
        this.now(),
        completion.nextAttemptAt ?? 0,
        this.retentionMs,
        completion.log ? this.logLength : 0,
        JSON.stringify(entry),
        resultText(entry),
      ],
    );
    return written === 1;
  }

  /**
   * Calls `listener` whenever deliveries are queued: at once for this instance's enqueues, through pub/sub for
   * other instances'. Returns the function that stops listening.
   */
  async watch(listener: EnqueueListener): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    const detach = this.bus ? await this.bus.subscribe(NOTIFY_TOPIC, { onMessage: listener }) : undefined;
    return async () => {
      this.listeners.delete(listener);
      await detach?.();
    };
  }

  private announce(): void {
    for (const listener of this.listeners) listener();
    // Best effort: a worker that misses the message still finds the delivery on its next poll.
    this.bus?.publish(NOTIFY_TOPIC, '1').catch((error: unknown) => {
      this.logger?.debug({ err: error }, 'could not announce queued notifications');
    });
  }
}

/** `HTTP 500: …`, `HTTP 200`, an error alone, or `sent` (mail has no status). */
function resultText(entry: DeliveryLogEntry): string {
  const status = entry.httpStatus === undefined ? undefined : `HTTP ${entry.httpStatus}`;
  if (status && entry.error) return `${status}: ${entry.error}`;
  return status ?? entry.error ?? 'sent';
}

function readStored(json: string): Notification | undefined {
  try {
    const parsed = notificationSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
