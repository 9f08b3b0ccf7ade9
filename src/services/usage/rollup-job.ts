// Background job: turns new ledger entries into rollups in batches. One leader at a time; the cursor CAS in
// rollup-apply makes every batch count exactly once even if two instances overlap.
import type { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger.js';
import { LeaderLock } from '../jobs/leader-lock.js';
import type { RedisContext } from '../redis/record-store.js';
import { decodeLedgerEntry, type StoredLedgerEntry } from './ledger-entry.js';
import { buildRollupBatch, encodeRollupBatch, type RetentionDays } from './rollup-batch.js';

export interface RollupJobOptions {
  retention: RetentionDays;
  batchSize?: number;
  /** Longest wait for new entries before checking leadership again. */
  blockMs?: number;
  lockTtlMs?: number;
}

export class RollupJob {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly lock: LeaderLock;
  private readonly batchSize: number;
  private readonly blockMs: number;

  constructor(
    private readonly context: RedisContext,
    /** A connection of its own: it sits in blocking XREAD calls. */
    private readonly reader: Redis,
    private readonly options: RollupJobOptions,
    private readonly logger: Logger,
  ) {
    this.lock = new LeaderLock(context, 'rollup', options.lockTtlMs ?? 10_000);
    this.batchSize = options.batchSize ?? 1000;
    this.blockMs = options.blockMs ?? 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    // Breaks a pending blocking read at once instead of waiting for it to time out.
    this.reader.disconnect();
    await this.loop;
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
        if (!(await this.lock.tryAcquire())) {
          await this.waitForEntries('$');
          continue;
        }
        if ((await this.applyNextBatch()) === 0) {
          await this.waitForEntries((await this.context.redis.get(this.context.keys.usageCursor())) ?? '0-0');
        }
      } catch (error) {
        if (!this.running) return;
        this.logger.error({ err: error }, 'rollup job failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000).unref());
      }
    }
  }

  /** Blocks until an entry after `after` exists or the block time passes. */
  private async waitForEntries(after: string): Promise<void> {
    if (this.reader.status === 'wait') await this.reader.connect();
    await this.reader.xread(
      'COUNT',
      1,
      'BLOCK',
      this.blockMs,
      'STREAMS',
      this.context.keys.ledgerStream(),
      after,
    );
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
    const args = [
      cursor,
      last.id,
      keys.usageSlotPrefix(),
      ...encodeRollupBatch(buildRollupBatch(entries), this.options.retention),
    ];
    const applied = await this.context.scripts.run('rollup-apply', [keys.usageCursor()], args);
    // 0: another instance applied this range first; the next call reads from the moved cursor.
    return applied === 1 ? entries.length : 0;
  }
}
