// Keeps the leases of long-running requests alive: one pipelined renewal of every tracked lease per interval.
import type { RedisClient } from '../redis/connection.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';

export interface LeaseKeeperOptions {
  /** How long a lease lives without renewal; a crashed instance's leases vanish after this. */
  ttlMs: number;
  now?: () => number;
}

/**
 * Leases are sorted-set members scored by their expiry. Renewing each lease from its own request would cost a
 * timer and a round trip per request; batching them costs one pipeline per interval for the whole instance.
 */
export class LeaseKeeper {
  /** Several requests may keep the same member alive (a key's entry in the reconciler index): counted. */
  private readonly tracked = new Map<string, { key: string; member: string; holders: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    readonly options: LeaseKeeperOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /**
   * Renews every third of the lifetime, so two renewals can fail before a live lease expires; and at once
   * when Redis comes back after an outage, during which renewals failed and leases may have run out.
   */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renewAll(), Math.max(100, Math.floor(this.options.ttlMs / 3)));
    this.timer.unref();
    this.redis.on('ready', this.renewOnReconnect);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.redis.off('ready', this.renewOnReconnect);
  }

  private readonly renewOnReconnect = (): void => {
    void this.renewAll();
  };

  /** Keeps `member` of sorted set `key` alive until the returned function is called (once). */
  track(key: string, member: string): () => void {
    const id = `${key}\n${member}`;
    const existing = this.tracked.get(id);
    if (existing) existing.holders += 1;
    else this.tracked.set(id, { key, member, holders: 1 });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const entry = this.tracked.get(id);
      if (entry && --entry.holders <= 0) this.tracked.delete(id);
    };
  }

  get size(): number {
    return this.tracked.size;
  }

  async renewAll(): Promise<void> {
    if (this.tracked.size === 0) return;
    const expiry = this.now() + this.options.ttlMs;
    const pipeline = crossSlotPipeline(this.redis);
    // XX: only extend leases that still exist; a released lease must not come back.
    for (const { key, member } of this.tracked.values()) pipeline.zadd(key, 'XX', expiry, member);
    try {
      await pipeline.exec();
    } catch {
      // Redis unavailable: the next interval tries again, and leases have two more intervals of life.
    }
  }
}
