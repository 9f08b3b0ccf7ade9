// Background job: turns new ledger entries into rollups in batches. One leader at a time; the cursor CAS in
// rollup-apply makes every batch count exactly once even if two instances overlap.
import type { Logger } from '../../lib/logger.js';
import { type JobStatus, JobTracker } from '../jobs/job-status.js';
import { LeaderLock } from '../jobs/leader-lock.js';
import type { RedisContext } from '../redis/record-store.js';
import { decodeLedgerEntry, type StoredLedgerEntry } from './ledger-entry.js';
import { buildRollupBatch, encodeRollupBatch, type RetentionDays } from './rollup-batch.js';

export interface RollupJobOptions {
  retention: RetentionDays;
  batchSize?: number;
  /**
   * Pause after catching up. Rollups trail the ledger by up to this long; in exchange, at low traffic the job
   * runs a few times a second instead of once per request, and at high traffic each batch is large.
   */
  intervalMs?: number;
  lockTtlMs?: number;
}

export class RollupJob {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly lock: LeaderLock;
  private readonly tracker: JobTracker;
  private readonly batchSize: number;
  private readonly intervalMs: number;

  constructor(
    private readonly context: RedisContext,
    private readonly options: RollupJobOptions,
    private readonly logger: Logger,
  ) {
    this.lock = new LeaderLock(context, 'rollup', options.lockTtlMs ?? 10_000);
    this.tracker = new JobTracker('rollups', () => this.lock.isHeld);
    this.batchSize = options.batchSize ?? 2000;
    this.intervalMs = options.intervalMs ?? 500;
  }

  status(): JobStatus {
    return this.tracker.status();
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
    // A last pass so nothing settled before shutdown waits for another instance.
    if (this.lock.isHeld) await this.drain().catch(() => 0);
    await this.lock.release().catch(() => {});
  }

  /** Applies everything currently in the ledger past the cursor; returns the number of entries applied. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const applied = await this.applyNextBatch();
      if (applied === 0) return total;
      total += applied;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        // A full batch means more is waiting: go again at once; otherwise rest for the interval.
        const full =
          (await this.lock.tryAcquire()) &&
          (await this.tracker.pass(() => this.applyNextBatch())) >= this.batchSize;
        if (!full) await this.pause(this.intervalMs);
      } catch (error) {
        if (!this.running) return;
        this.logger.error({ err: error }, 'rollup job failed; retrying');
        await this.pause(1000);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async applyNextBatch(): Promise<number> {
    const { redis, keys } = this.context;
    const cursor = (await redis.get(keys.usageCursor())) ?? '';
    const raw = await redis.xrange(
      keys.ledgerStream(),
      cursor ? `(${cursor}` : '-',
      '+',
      'COUNT',
      this.batchSize,
    );
    if (raw.length === 0) return 0;
    const entries: StoredLedgerEntry[] = raw.map(([id, fields]) => decodeLedgerEntry(id, fields));
    const last = entries[entries.length - 1];
    if (!last) return 0;
    const batch = encodeRollupBatch(buildRollupBatch(entries), this.options.retention);
    const args = [cursor, last.id, keys.usageSlotPrefix(), ...batch];
    const applied = await this.context.scripts.run('rollup-apply', [keys.usageCursor()], args);
    // 0: another instance applied this range first; the next call reads from the moved cursor.
    return applied === 1 ? entries.length : 0;
  }
}
