// Writes that Redis could not take (stopped, frozen, unreachable), kept in memory in order, bounded, and
// written again once it answers: on reconnect at once, and on a timer meanwhile (a frozen server never
// disconnects). Whatever is written must be safe to apply twice: a write that timed out may still run.
import type { ChainableCommander } from 'ioredis';
import { isStoreUnavailable } from '../../errors/store-unavailable.js';
import type { Logger } from '../../lib/logger.js';
import type { RedisClient } from './connection.js';

export type WriteOutcome = 'done' | 'unavailable';

/**
 * Runs a pipeline of writes: its results, or 'unavailable' when Redis did not take it (the call, or any of its
 * commands, failed for want of Redis), which is the cue to queue the writes. Other failures are thrown.
 */
export async function execWrites(
  pipeline: ChainableCommander,
): Promise<Array<[Error | null, unknown]> | 'unavailable'> {
  let results: Array<[Error | null, unknown]>;
  try {
    results = (await pipeline.exec()) ?? [];
  } catch (error) {
    if (isStoreUnavailable(error)) return 'unavailable';
    throw error;
  }
  return results.some(([error]) => error !== null && isStoreUnavailable(error)) ? 'unavailable' : results;
}

export interface RetryQueueOptions<T> {
  /** What the queue holds, for its log lines: "settles", "admission releases". */
  name: string;
  /** Most items kept; past it the oldest are dropped (and counted). */
  max: number;
  intervalMs?: number;
  /** Items per write while draining. */
  batchSize?: number;
  /** Told of dropped items, e.g. to stop renewing what they hold. */
  onDrop?: (items: T[]) => void;
}

export class StoreRetryQueue<T> {
  private readonly items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private droppedCount = 0;
  /** Items of the batch being written: still not taken until Redis answers. */
  private writing = 0;

  constructor(
    private readonly redis: RedisClient,
    /** Writes a batch; 'unavailable' when Redis did not take it (the batch then stays queued). */
    private readonly write: (batch: T[]) => Promise<WriteOutcome>,
    private readonly options: RetryQueueOptions<T>,
    private readonly logger: Logger,
  ) {
    redis.on('ready', this.onReady);
  }

  /** Items Redis has not taken yet, counting a batch being written now. */
  get size(): number {
    return this.items.length + this.writing;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  push(batch: readonly T[]): void {
    if (batch.length === 0) return;
    if (this.items.length === 0) {
      this.logger.warn(
        `Redis is unavailable: ${this.options.name} are kept in memory until it answers again`,
      );
    }
    this.items.push(...batch);
    if (this.items.length > this.options.max) {
      const lost = this.items.splice(0, this.items.length - this.options.max);
      this.droppedCount += lost.length;
      this.options.onDrop?.(lost);
      this.logger.error(
        { dropped: lost.length, droppedTotal: this.droppedCount },
        `${this.options.name} queue full: dropped the oldest`,
      );
    }
    this.timer ??= setInterval(() => void this.flush(), this.options.intervalMs ?? 1000).unref();
  }

  /** Writes queued items in order until none are left or Redis fails again; one drain at a time. */
  flush(): Promise<void> {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops retrying; whatever is still queued is reported and left. */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.redis.off('ready', this.onReady);
    if (this.items.length > 0) {
      this.logger.error({ queued: this.items.length }, `stopping with ${this.options.name} Redis never took`);
    }
  }

  private readonly onReady = (): void => {
    if (this.items.length > 0) void this.flush();
  };

  private async drain(): Promise<void> {
    let written = 0;
    while (this.items.length > 0) {
      const batch = this.items.splice(0, this.options.batchSize ?? 500);
      let outcome: WriteOutcome;
      this.writing = batch.length;
      try {
        outcome = await this.write(batch);
      } catch {
        outcome = 'unavailable';
      } finally {
        this.writing = 0;
      }
      if (outcome === 'unavailable') {
        this.items.unshift(...batch);
        return;
      }
      written += batch.length;
    }
    clearInterval(this.timer);
    this.timer = undefined;
    if (written > 0) this.logger.info({ written }, `Redis is back: queued ${this.options.name} written`);
  }
}
