// Background job: turns new ledger entries into rollups in batches. One leader at a time; the cursor CAS in
// rollup-apply makes every batch count exactly once even if two instances overlap.
import type { Logger } from '../../lib/logger.js';
import type { JobStatus } from '../jobs/job-status.js';
import { LeaderLoop } from '../jobs/leader-loop.js';
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
  private readonly loop: LeaderLoop;
  private readonly batchSize: number;

  constructor(
    private readonly context: RedisContext,
    private readonly options: RollupJobOptions,
    logger: Logger,
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.loop = new LeaderLoop(
      context,
      {
        name: 'rollups',
        lock: 'rollup',
        lockTtlMs: options.lockTtlMs ?? 10_000,
        intervalMs: options.intervalMs ?? 500,
        retryPauseMs: 1000,
      },
      {
        // A full batch means more is waiting: go again at once; otherwise rest for the interval.
        pass: async () => (await this.applyNextBatch()) >= this.batchSize,
        failed: (error) => logger.error({ err: error }, 'rollup job failed; retrying'),
        // A last pass so nothing settled before shutdown waits for another instance.
        finish: async () => {
          await this.drain();
        },
      },
    );
  }

  status(): JobStatus {
    return this.loop.status();
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
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
    const rollups = buildRollupBatch(entries);
    const batch = encodeRollupBatch(rollups, this.options.retention);
    const args = [cursor, last.id, keys.usageSlotPrefix(), ...batch];
    // Every rollup key the batch writes is declared (a cluster checks only declared keys).
    const written = [...rollups.hashes.keys(), ...rollups.rankings.keys()].map(
      (suffix) => `${keys.usageSlotPrefix()}${suffix}`,
    );
    const applied = await this.context.scripts.run('rollup-apply', [keys.usageCursor(), ...written], args);
    // 0: another instance applied this range first; the next call reads from the moved cursor.
    return applied === 1 ? entries.length : 0;
  }
}
