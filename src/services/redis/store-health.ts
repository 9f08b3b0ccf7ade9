// Whether Redis answers, as the request path has seen it: once a command failed for want of Redis (timed out
// on a frozen server, refused while disconnected), requests are refused at once instead of each waiting out a
// timeout, until a probe gets an answer again.
import type { Redis } from 'ioredis';
import { isStoreUnavailable } from '../../errors/store-unavailable.js';

export class StoreHealth {
  private failing = false;
  private probe: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly probeIntervalMs = 250,
  ) {
    // A fresh connection after an outage answered its handshake: Redis is back.
    redis.on('ready', this.recovered);
  }

  /** Whether requests should be refused without trying Redis. */
  get down(): boolean {
    return this.failing || this.redis.status !== 'ready';
  }

  /** Tells the health of an error a Redis call failed with; only unavailability counts. */
  report(error: unknown): void {
    if (isStoreUnavailable(error)) this.markDown();
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
      const results = await this.redis.pipeline().ping().exec();
      if (results?.[0]?.[0]) throw results[0][0];
      this.recovered();
    } catch {
      if (this.failing) this.schedule();
    }
  }
}
