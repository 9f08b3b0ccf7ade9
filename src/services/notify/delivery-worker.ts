// Delivers queued notifications; one runs on every instance. It claims due deliveries with a lease, sends them
// with bounded concurrency and a per-request timeout, and records each outcome. No receiver failure, network
// error or Redis outage escapes it: the worker logs and carries on.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../lib/logger.js';
import { type JobStatus, JobTracker } from '../jobs/job-status.js';
import { type BackoffSettings, DEFAULT_BACKOFF, retryDelay } from './backoff.js';
import type { ChannelService } from './channel-service.js';
import type { DeliveryLogEntry, DeliveryOutcome } from './delivery-log.js';
import type { ClaimedDelivery, Completion, DeliveryQueue } from './delivery-queue.js';
import { sendHttp } from './http-sender.js';
import { sendMail } from './mail-sender.js';
import { render } from './renderers/render.js';
import { type SendResult, scrub, secretValuesOf } from './send-result.js';

export interface DeliveryWorkerOptions {
  /** Deliveries sent at once by this instance (default 4). */
  concurrency?: number;
  /** Bound on one send, connect to last byte (default 5 s). */
  timeoutMs?: number;
  /**
   * How long a claimed delivery stays hidden from other workers; when an instance dies mid-send, another one
   * sends it after this. Must exceed `timeoutMs` (default: the larger of 15 s and three timeouts).
   */
  leaseMs?: number;
  /** How often the due set is read when nothing woke the worker (default 500 ms). */
  pollIntervalMs?: number;
  backoff?: Partial<BackoffSettings>;
  /** Told of every recorded attempt, e.g. to count deliveries by channel kind and result. */
  onDelivery?: (channelKind: string, result: DeliveryOutcome) => void;
  /** Carries HTTP deliveries (a proxy, a test's agent); undici's global dispatcher by default. */
  dispatcher?: Dispatcher;
  /** Source of jitter, in [0, 1). */
  random?: () => number;
}

interface Attempt {
  result: SendResult;
  /** False when the channel is gone, so that its deleted log is not recreated. */
  log: boolean;
}

const RECORD_RETRY_DELAYS_MS = [100, 500, 2_000];

export class DeliveryWorker {
  /** Identifies this worker's claims; a claim made by a previous run of the process is not its own. */
  readonly claimer = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly backoff: BackoffSettings;
  private readonly random: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wakeRequested = false;
  private interruptSleep: (() => void) | undefined;
  private detach: (() => Promise<void>) | undefined;
  private storeDown = false;
  /** Each read of the queue is a pass: system status shows when the worker last reached it. */
  private readonly tracker = new JobTracker('notification-deliveries', () => this.running);

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly channels: ChannelService,
    private readonly logger: Logger,
    private readonly options: DeliveryWorkerOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.leaseMs = options.leaseMs ?? Math.max(15_000, this.timeoutMs * 3);
    // A lease shorter than a send would let a second worker send while the first is still waiting.
    if (this.leaseMs <= this.timeoutMs) throw new Error('DeliveryWorker: leaseMs must exceed timeoutMs');
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.random = options.random ?? Math.random;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.detach = await this.queue.watch(() => this.wake());
    } catch (error) {
      this.logger.warn({ err: error }, 'notification worker: no wake-ups from other instances; polling only');
    }
    this.loopDone = this.loop();
  }

  /** Stops claiming and waits for the sends in flight (each bounded by the timeout) to be recorded. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loopDone;
    await Promise.allSettled([...this.inFlight]);
    const detach = this.detach;
    this.detach = undefined;
    // Not awaited: an UNSUBSCRIBE sent to a Redis that went away would wait for it forever.
    detach?.().catch(() => {});
  }

  status(): JobStatus {
    return this.tracker.status();
  }

  /** Looks at the due set now instead of at the next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.interruptSleep?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      // Cleared before claiming: a wake-up arriving while the claim runs must not be slept through.
      this.wakeRequested = false;
      const free = this.concurrency - this.inFlight.size;
      let more = false;
      if (free > 0) {
        const claimed = await this.claim(free);
        for (const delivery of claimed) this.track(this.deliver(delivery));
        more = claimed.length === free;
      }
      if (!more && this.running && !this.wakeRequested) await this.sleep();
    }
  }

  private async claim(count: number): Promise<ClaimedDelivery[]> {
    try {
      const claimed = await this.tracker.pass(() => this.queue.claim(count, this.leaseMs, this.claimer));
      if (this.storeDown) {
        this.storeDown = false;
        this.logger.info('notification worker: Redis answers again; deliveries resume');
      }
      return claimed;
    } catch (error) {
      if (!this.storeDown) {
        this.storeDown = true;
        this.logger.warn({ err: error }, 'notification worker: cannot read the queue; retrying');
      }
      return [];
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'notification delivery failed unexpectedly'),
      )
      .finally(() => {
        this.inFlight.delete(tracked);
        this.wake();
      });
    this.inFlight.add(tracked);
  }

  /** A retry due before the next poll would otherwise wait for it; this instance looks for it on time. */
  private wakeAt(at: number): void {
    const delay = at - this.now();
    if (delay < this.pollIntervalMs) setTimeout(() => this.wake(), Math.max(0, delay)).unref();
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.interruptSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      timer.unref();
      this.interruptSleep = done;
    });
  }

  private async deliver(claim: ClaimedDelivery): Promise<void> {
    const started = this.now();
    const { result, log } = await this.attempt(claim);
    const finished = this.now();
    const outcome = this.outcomeOf(claim.attempt, result);
    const nextAttemptAt =
      outcome === 'retrying'
        ? finished +
          retryDelay(claim.attempt, this.backoff, this.random, result.ok ? undefined : result.retryAfterMs)
        : undefined;
    const entry: DeliveryLogEntry = {
      deliveryId: claim.id,
      channelId: claim.channelId,
      at: finished,
      status: outcome,
      attempt: claim.attempt,
      ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
      ...(result.ok ? {} : { error: result.message }),
      durationMs: finished - started,
      ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
      notification: {
        id: claim.notification?.id ?? 'unknown',
        type: claim.notification?.type ?? 'alert.firing',
        severity: claim.notification?.severity ?? 'info',
        title: claim.notification?.title ?? '',
      },
    };
    const completion: Completion = {
      outcome,
      entry,
      log,
      ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
    };
    if (!(await this.record(claim, completion))) return;
    if (nextAttemptAt !== undefined) this.wakeAt(nextAttemptAt);
    this.options.onDelivery?.(claim.kind, outcome);
    // Ids, kind and the scrubbed error only: the channel's URL and token never reach a log line.
    const fields = {
      deliveryId: claim.id,
      channelId: claim.channelId,
      kind: claim.kind,
      attempt: claim.attempt,
    };
    if (outcome === 'delivered') this.logger.debug(fields, 'notification delivered');
    else this.logger.warn({ ...fields, outcome, error: entry.error }, `notification delivery ${outcome}`);
  }

  private outcomeOf(attempt: number, result: SendResult): DeliveryOutcome {
    if (result.ok) return 'delivered';
    return !result.retryable || attempt >= this.backoff.maxAttempts ? 'failed' : 'retrying';
  }

  /** Sends once; every failure comes back as a result, secrets scrubbed from its message. */
  private async attempt(claim: ClaimedDelivery): Promise<Attempt> {
    const notification = claim.notification;
    if (!notification) return refused('the stored notification cannot be read');
    if (claim.attempt > this.backoff.maxAttempts) {
      // The last attempt's worker stopped mid-send; whether it reached the receiver is unknown.
      return refused('the last attempt was interrupted (its instance stopped)');
    }
    let opened: Awaited<ReturnType<ChannelService['open']>>;
    try {
      opened = await this.channels.open(claim.channelId);
    } catch {
      return { result: { ok: false, retryable: true, message: 'could not read the channel' }, log: true };
    }
    if (!opened) return { ...refused('the channel was deleted'), log: false };
    if (!opened.channel.enabled && notification.type !== 'channel.test') {
      return refused('the channel is disabled');
    }
    const { config } = opened;
    let result: SendResult;
    try {
      const out = render(notification, config, { now: this.now() });
      if (out.kind === 'http') {
        const dispatcher = this.options.dispatcher;
        result = await sendHttp(out, { timeoutMs: this.timeoutMs, ...(dispatcher ? { dispatcher } : {}) });
      } else if (config.kind === 'smtp') {
        result = await sendMail(config, out, this.timeoutMs);
      } else {
        result = { ok: false, retryable: false, message: `a ${config.kind} channel cannot send mail` };
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : 'unknown error';
      result = { ok: false, retryable: false, message: `could not send: ${message}` };
    }
    return {
      result: result.ok ? result : { ...result, message: scrub(result.message, secretValuesOf(config)) },
      log: true,
    };
  }

  /** Records the outcome, retrying briefly through a Redis blip; false when it was not this worker's to record. */
  private async record(claim: ClaimedDelivery, completion: Completion): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.queue.complete(claim, completion);
      } catch (error) {
        const delay = RECORD_RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          // The lease runs out and another worker sends it again: at least once rather than lost.
          this.logger.error({ err: error, deliveryId: claim.id }, 'could not record a notification delivery');
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function refused(message: string): Attempt {
  return { result: { ok: false, retryable: false, message }, log: true };
}
