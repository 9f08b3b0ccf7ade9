// A small in-process cache whose entries expire by time and are dropped at once when another instance says so.
import type { EventBus } from '../events/event-bus.js';

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export interface InvalidatingCacheOptions {
  /** Upper bound on staleness if an invalidation message is ever lost. */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

export class InvalidatingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly now: () => number;
  /** Bumped on every invalidation so a load that raced with it does not store a stale value. */
  private generation = 0;

  constructor(private readonly options: InvalidatingCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Listens on `topic`; each message is a cache key to drop, or `*` to drop everything. */
  async attach(bus: EventBus, topic: string): Promise<() => Promise<void>> {
    return bus.subscribe(topic, {
      onMessage: (message) => (message === '*' ? this.clear() : this.delete(message)),
      onResync: () => this.clear(),
    });
  }

  /**
   * Drops `key` (or `*`: everything) here at once, then tells every instance. The instance that made the change
   * must not serve the old value in the moment before its own message comes back, which on a Redis Cluster
   * travels through another node.
   */
  async invalidate(bus: EventBus, topic: string, key: string): Promise<void> {
    if (key === '*') this.clear();
    else this.delete(key);
    await bus.publish(topic, key);
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Returns the cached value or loads it; concurrent misses for the same key each load (cheap, rare). */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) this.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    if (this.entries.size >= this.options.maxEntries && !this.entries.has(key)) {
      // Maps iterate in insertion order: dropping the first entry drops the oldest.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
  }

  delete(key: string): void {
    this.generation += 1;
    this.entries.delete(key);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}
