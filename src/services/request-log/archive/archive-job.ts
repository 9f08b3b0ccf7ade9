// Background job: copies the ledger stream into the PostgreSQL archive in batches, on one leader at a time,
// from a cursor persisted with the rows; it also drops day partitions past the retention, hourly.
import type pg from 'pg';
import type { Logger } from '../../../lib/logger.js';
import type { JobStatus } from '../../jobs/job-status.js';
import { LeaderLoop } from '../../jobs/leader-loop.js';
import type { RedisContext } from '../../redis/record-store.js';
import { parseStreamId } from '../stream-ids.js';
import { ArchiveCursor } from './archive-cursor.js';
import { ArchivePartitions, DAY_MS, dayOf } from './archive-partitions.js';
import { ArchiveWriter } from './archive-writer.js';
import { lagOf, placeSlice, readLedgerAfter, readLedgerInfo } from './ledger-window.js';

export interface RequestLogArchiverOptions {
  /** Entries per batch (one XRANGE, one transaction). */
  batchSize?: number;
  /** Pause after catching up: the archive trails the ledger by up to this long. */
  intervalMs?: number;
  lockTtlMs?: number;
  /** Pause after a failed pass (PostgreSQL or Redis away) before trying again. */
  retryPauseMs?: number;
  /** Whole UTC days kept; older day partitions are dropped, older entries not stored. Unset: kept forever. */
  retentionDays?: number;
  /** Names the cursor row: one per archived stream. */
  cursorName?: string;
}

export interface ArchiverStatus extends JobStatus {
  /** Entries trimmed from the ledger before they were archived, as last seen by this instance. */
  missed: number;
}

interface PassResult {
  /** Entries read from the stream; a full batch means more are waiting. */
  read: number;
  /** Rows new to the archive. */
  archived: number;
  /** The cursor moved under this pass (another leader): nothing written, read again. */
  stale: boolean;
}

const RETENTION_EVERY_MS = 3_600_000;
/** While failures repeat, they are logged at most this often (each pass retries sooner). */
const ERROR_LOG_EVERY_MS = 60_000;

export class RequestLogArchiver {
  private readonly loop: LeaderLoop;
  private readonly cursor: ArchiveCursor;
  private readonly partitions: ArchivePartitions;
  private readonly writer: ArchiveWriter;
  private readonly batchSize: number;
  private missed = 0;
  private warnedMissed = false;
  private retentionAt = 0;
  private failingSince: number | undefined;
  private errorLoggedAt = 0;

  constructor(
    private readonly context: RedisContext,
    pool: pg.Pool,
    private readonly logger: Logger,
    private readonly options: RequestLogArchiverOptions = {},
  ) {
    this.cursor = new ArchiveCursor(pool, options.cursorName ?? 'ledger');
    this.partitions = new ArchivePartitions(pool);
    this.writer = new ArchiveWriter(pool, this.cursor.name, this.partitions);
    this.batchSize = options.batchSize ?? 2000;
    this.loop = new LeaderLoop(
      context,
      {
        name: 'request-log-archive',
        lock: 'request-log-archive',
        lockTtlMs: options.lockTtlMs ?? 5_000,
        intervalMs: options.intervalMs ?? 1000,
        retryPauseMs: options.retryPauseMs ?? 5000,
      },
      {
        pass: async () => {
          const pass = await this.pass();
          if (Date.now() - this.retentionAt >= RETENTION_EVERY_MS) await this.enforceRetention();
          // A full batch (or a cursor that moved under this pass) means more is waiting: go again at once.
          return pass.read >= this.batchSize || pass.stale;
        },
        failed: (error) => this.failed(error),
        succeeded: () => this.recovered(),
      },
    );
  }

  start(): void {
    this.loop.start();
  }

  /** Stops after the pass in progress and hands leadership over; the pool is its owner's to end. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  status(): ArchiverStatus {
    return { ...this.loop.status(), missed: this.missed };
  }

  /** The newest stream id archived with everything before it; undefined before the first batch. */
  archivedThrough(): Promise<string | undefined> {
    return this.cursor.archivedThrough();
  }

  /** Ledger entries not archived yet; undefined when Redis cannot say (before Redis 7). */
  async lag(): Promise<number | undefined> {
    const [cursor, info] = await Promise.all([this.cursor.read(), readLedgerInfo(this.context)]);
    return lagOf(info, cursor);
  }

  /** Archives everything in the ledger now, leader or not (tests, shutdown tools); returns the rows added. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const pass = await this.loop.record(() => this.pass());
      total += pass.archived;
      if (pass.read === 0 && !pass.stale) return total;
    }
  }

  /** Drops the day partitions past the retention now; returns their days. The job does this hourly. */
  async enforceRetention(): Promise<number[]> {
    const horizon = this.horizon();
    if (horizon === undefined) return [];
    this.retentionAt = Date.now();
    const dropped = await this.partitions.dropBefore(horizon);
    if (dropped.length > 0) {
      const days = dropped.map((day) => new Date(day).toISOString().slice(0, 10));
      this.logger.info({ days }, 'request-log archive: dropped day partitions past the retention');
    }
    return dropped;
  }

  private async pass(): Promise<PassResult> {
    {
      const cursor = await this.cursor.read();
      this.missed = cursor.missed;
      const slice = await readLedgerAfter(this.context, cursor.streamId, this.batchSize);
      const last = slice.entries[slice.entries.length - 1];
      if (!last) return { read: 0, archived: 0, stale: false };
      const placement = placeSlice(cursor, slice);
      if (placement.missed !== 0) this.warnMissed(placement.missed, cursor.streamId, slice.entries[0]?.id);
      const horizon = this.horizon();
      const entries =
        horizon === undefined
          ? slice.entries
          : slice.entries.filter((entry) => (parseStreamId(entry.id)?.ms ?? 0) >= horizon);
      const missed = placement.missed ?? 0;
      const result = await this.writer.commit({
        from: cursor.streamId,
        through: last.id,
        offset: placement.offset,
        missed,
        entries,
      });
      if (!result.committed) {
        this.logger.debug(
          { expected: cursor.streamId, found: result.current },
          'archive cursor moved; re-reading',
        );
        return { read: slice.entries.length, archived: 0, stale: true };
      }
      this.missed += missed;
      return { read: slice.entries.length, archived: result.inserted, stale: false };
    }
  }

  /** The start of the oldest day kept; undefined when everything is kept. */
  private horizon(): number | undefined {
    const days = this.options.retentionDays;
    return days === undefined ? undefined : dayOf(Date.now() - days * DAY_MS);
  }

  private warnMissed(count: number | undefined, after: string, resumedAt: string | undefined): void {
    if (this.warnedMissed) return;
    this.warnedMissed = true;
    this.logger.warn(
      { missed: count ?? 'unknown', after, resumedAt },
      'request-log archive: the ledger was trimmed past the archive cursor; those entries are not archived',
    );
  }

  private failed(error: unknown): void {
    const now = Date.now();
    this.failingSince ??= now;
    if (now - this.errorLoggedAt < ERROR_LOG_EVERY_MS) return;
    this.errorLoggedAt = now;
    this.logger.error(
      { err: error, failingForMs: now - this.failingSince },
      'request-log archive failed; retrying',
    );
  }

  private recovered(): void {
    if (this.failingSince === undefined) return;
    this.logger.info({ failedForMs: Date.now() - this.failingSince }, 'request-log archive recovered');
    this.failingSince = undefined;
    this.errorLoggedAt = 0;
  }
}
