// Waiting for a concurrency slot instead of an immediate 429, for keys that ask for it: bounded in waiters
// across instances, woken when a request of the key settles anywhere, and left as soon as the client goes.
import { AppError } from '../../errors/app-error.js';
import type { EventBus } from '../events/event-bus.js';
import type { RedisContext } from '../redis/record-store.js';

export const KEY_FREE_TOPIC = 'key-slot-free';

/** A retry even without a wake-up, in case a settle's message was lost: bounds how long a free slot idles. */
const RETRY_MS = 500;

export interface QueueLimits {
  maxWaiters: number;
  maxWaitMs: number;
}

export class KeyQueue {
  private readonly sleepers = new Map<string, Set<() => void>>();
  private waitingHere = 0;

  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  /** Requests waiting in a key's queue on this instance now. */
  get waiting(): number {
    return this.waitingHere;
  }

  async start(): Promise<void> {
    await this.bus.subscribe(KEY_FREE_TOPIC, {
      onMessage: (keyId) => this.wake(keyId),
      onResync: () => {
        for (const keyId of this.sleepers.keys()) this.wake(keyId);
      },
    });
  }

  /** Runs `attempt`; while it fails for concurrency, waits in the key's queue and tries again. */
  async admit<T>(
    keyId: string,
    limits: QueueLimits,
    signal: AbortSignal | undefined,
    attempt: () => Promise<T>,
  ): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (!isConcurrencyLimit(error)) throw error;
    }
    const { redis, keys } = this.context;
    const waitersKey = `${keys.apiKeySlotPrefix(keyId)}waiters`;
    const [[, counted]] = (await redis
      .multi()
      .incr(waitersKey)
      .pexpire(waitersKey, limits.maxWaitMs + 60_000)
      .exec()) as [[Error | null, number]];
    this.waitingHere += 1;
    try {
      if (counted > limits.maxWaiters) {
        throw new AppError('concurrency_limited', 'Too many requests are already waiting for this API key', {
          details: { limit: 'queue', maxWaiters: limits.maxWaiters },
          retryAfterSeconds: 1,
        });
      }
      const deadline = this.now() + limits.maxWaitMs;
      for (;;) {
        await this.sleep(keyId, Math.max(0, Math.min(RETRY_MS, deadline - this.now())), signal);
        try {
          return await attempt();
        } catch (error) {
          if (!isConcurrencyLimit(error) || this.now() >= deadline) throw error;
        }
      }
    } finally {
      this.waitingHere -= 1;
      await redis.decr(waitersKey).catch(() => 0);
    }
  }

  private wake(keyId: string): void {
    const sleepers = this.sleepers.get(keyId);
    if (!sleepers) return;
    this.sleepers.delete(keyId);
    for (const wake of sleepers) wake();
  }

  private sleep(keyId: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      let set = this.sleepers.get(keyId);
      if (!set) {
        set = new Set();
        this.sleepers.set(keyId, set);
      }
      const sleepers = set;
      const cleanUp = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        signal?.removeEventListener('abort', gone);
      };
      const done = () => {
        cleanUp();
        resolve();
      };
      const gone = () => {
        cleanUp();
        reject(new AppError('invalid_request', 'The client closed the connection while waiting for a slot'));
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
      if (signal?.aborted) gone();
      else signal?.addEventListener('abort', gone, { once: true });
    });
  }
}

function isConcurrencyLimit(error: unknown): boolean {
  return error instanceof AppError && error.code === 'concurrency_limited';
}
