// The loop of a background job that runs on one instance at a time: take (or renew) the leader lock, run a
// pass, rest unless the pass says more is waiting, rest longer after a failure; stop hands the lock over.
// Each pass is recorded for system status and `/ready`.
import type { RedisContext } from '../redis/record-store.js';
import { type JobStatus, JobTracker } from './job-status.js';
import { LeaderLock } from './leader-lock.js';

export interface LeaderLoopOptions {
  /** Names the job in status. */
  name: string;
  /** Names the leader lock (kept as it was when the job had its own loop, so versions side by side share it). */
  lock: string;
  lockTtlMs: number;
  /** Rest after a pass that left nothing waiting. */
  intervalMs: number;
  /** Rest after a failed pass (default: the interval). */
  retryPauseMs?: number;
}

export interface LeaderLoopHooks {
  /** One pass while leading; resolves true when more work waits (the loop goes again at once). */
  pass(): Promise<boolean>;
  /** A pass (or taking the lock) failed; the loop rests, then tries again. */
  failed(error: unknown): void;
  /** A pass (or a turn without the lock) went well, after failures or not. */
  succeeded?(): void;
  /** Runs at stop while this instance still leads, before the lock is released (a last drain). */
  finish?(): Promise<void>;
}

export class LeaderLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly lock: LeaderLock;
  private readonly tracker: JobTracker;

  constructor(
    context: RedisContext,
    private readonly options: LeaderLoopOptions,
    private readonly hooks: LeaderLoopHooks,
  ) {
    this.lock = new LeaderLock(context, options.lock, options.lockTtlMs);
    this.tracker = new JobTracker(options.name, () => this.lock.isHeld);
  }

  get leading(): boolean {
    return this.lock.isHeld;
  }

  status(): JobStatus {
    return this.tracker.status();
  }

  /** Runs work as a recorded pass (the loop's own passes, and callers' one-off runs of the same work). */
  record<T>(work: () => Promise<T>): Promise<T> {
    return this.tracker.pass(work);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.lock.isHeld) await this.hooks.finish?.().catch(() => undefined);
    await this.lock.release().catch(() => {});
  }

  private async run(): Promise<void> {
    while (this.running) {
      let more = false;
      try {
        if (await this.lock.tryAcquire()) more = await this.tracker.pass(() => this.hooks.pass());
        this.hooks.succeeded?.();
      } catch (error) {
        if (!this.running) return;
        this.hooks.failed(error);
        await this.pause(this.options.retryPauseMs ?? this.options.intervalMs);
        continue;
      }
      if (!more) await this.pause(this.options.intervalMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
  }
}
