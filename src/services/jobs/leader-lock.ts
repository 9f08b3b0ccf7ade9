// A Redis lock that elects one instance to run a background job; renewed while held, released on stop.
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import type { RedisContext } from '../redis/record-store.js';

export class LeaderLock {
  readonly owner = `${process.pid}:${randomUUID()}`;
  private held = false;

  constructor(
    private readonly context: RedisContext,
    private readonly name: string,
    private readonly ttlMs: number,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Takes the lock if free, or renews it if this instance holds it. Returns whether this instance leads. */
  async tryAcquire(): Promise<boolean> {
    const key = this.context.keys.lock(this.name);
    if (this.held) {
      try {
        await this.context.scripts.run('lock-renew', [key], [this.owner, this.ttlMs]);
        return true;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'conflict')) throw error;
        this.held = false;
      }
    }
    this.held = (await this.context.redis.set(key, this.owner, 'PX', this.ttlMs, 'NX')) === 'OK';
    return this.held;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.context.scripts.run('lock-release', [this.context.keys.lock(this.name)], [this.owner]);
  }
}
