// Whether Redis answers, as the request path has seen it: once a command failed for want of Redis (timed out
// on a frozen server, refused while disconnected), requests are refused at once instead of each waiting out a
// timeout, until a probe gets an answer again. And a bound on how long one step of a request waits for Redis.

import { storeUnavailableError } from '../../errors/app-error.js';
import { isSlotMoving, isStoreUnavailable } from '../../errors/store-unavailable.js';
import { Deadlines } from '../../lib/deadlines.js';
import type { RedisClient } from './connection.js';
import { crossSlotPipeline } from './slot-spanning.js';

export class StoreHealth {
  private failing = false;
  private probe: NodeJS.Timeout | undefined;
  /** One timer for every step's deadline, instead of one each. */
  private readonly deadlines: Deadlines;

  constructor(
    private readonly redis: RedisClient,
    /**
     * The longest a request step waits for Redis (the command timeout): on a frozen server the client's
     * auto-pipelines queue behind one another, so a command may wait longer than its own timeout to be sent.
     */
    readonly deadlineMs: number,
    private readonly probeIntervalMs = 250,
  ) {
    this.deadlines = new Deadlines(deadlineMs);
    // A fresh connection after an outage answered its handshake: Redis is back.
    redis.on('ready', this.recovered);
  }

  /** Whether requests should be refused without trying Redis. */
  get down(): boolean {
    return this.failing || this.redis.status !== 'ready';
  }

  /**
   * Runs a request step that needs Redis: refused at once while Redis is known to be away, and answered
   * `store_unavailable` if it has not finished within the deadline. Whatever a late step still obtains is
   * handed to `late`, to be given back.
   */
  guard<T>(start: () => Promise<T>, late?: (value: T) => void): Promise<T> {
    if (this.down) return Promise.reject(storeUnavailableError());
    let work: Promise<T>;
    try {
      work = start();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => {
      let expired = false;
      const deadline = this.deadlines.add(() => {
        expired = true;
        this.markDown();
        reject(storeUnavailableError());
      });
      work.then(
        (value) => {
          if (expired) late?.(value);
          else {
            this.deadlines.cancel(deadline);
            resolve(value);
          }
        },
        (error: unknown) => {
          this.report(error);
          if (expired) return;
          this.deadlines.cancel(deadline);
          reject(error);
        },
      );
    });
  }

  /**
   * Tells the health of an error a Redis call failed with; only unavailability counts, and not a cluster slot
   * changing hands, which concerns the requests of that slot alone.
   */
  report(error: unknown): void {
    if (isStoreUnavailable(error) && !isSlotMoving(error)) this.markDown();
  }

  /** Redis did not answer in time: refuse requests until a probe gets an answer. */
  markDown(): void {
    if (this.failing) return;
    this.failing = true;
    this.schedule();
  }

  close(): void {
    clearTimeout(this.probe);
    this.probe = undefined;
    this.failing = false;
    this.deadlines.close();
    this.redis.off('ready', this.recovered);
  }

  private readonly recovered = (): void => {
    this.failing = false;
    clearTimeout(this.probe);
    this.probe = undefined;
  };

  private schedule(): void {
    this.probe = setTimeout(() => void this.check(), this.probeIntervalMs);
    this.probe.unref();
  }

  /**
   * An explicit pipeline, not an auto-pipelined command: on a frozen server auto-pipelines queue behind one
   * another, and the probe must not wait behind the very commands that are stuck.
   */
  private async check(): Promise<void> {
    try {
      const results = await crossSlotPipeline(this.redis).ping().exec();
      if (results?.[0]?.[0]) throw results[0][0];
      this.recovered();
    } catch {
      if (this.failing) this.schedule();
    }
  }
}
