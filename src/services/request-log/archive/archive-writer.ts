// Writes one archive batch: its rows and the cursor move in one transaction, fenced on the cursor the batch
// was read after, so neither a crash nor a second leader can lose an entry, store it twice or move the
// cursor back.
import type pg from 'pg';
import type { StoredLedgerEntry } from '../../usage/ledger-entry.js';
import { parseStreamId } from '../stream-ids.js';
import { type ArchivePartitions, DAY_MS } from './archive-partitions.js';
import { INSERT_ROWS_SQL, rowArrays } from './archive-rows.js';
import { inTransaction } from './archive-transaction.js';

export interface ArchiveBatch {
  /** The cursor the batch was read after ('' for the start of the stream). */
  from: string;
  /** The last stream id read: the cursor once the batch is committed. */
  through: string;
  /** The position of `through` in the stream, when known. */
  offset: number | undefined;
  /** Entries found trimmed between `from` and the batch. */
  missed: number;
  /** The entries to store (those past the retention are left out, yet `through` covers them). */
  entries: readonly StoredLedgerEntry[];
}

export type CommitResult =
  | { committed: true; inserted: number }
  /** The cursor is no longer `from`: another archiver moved it. Nothing was written. */
  | { committed: false; current: string };

/** PostgreSQL's answer to a row no partition takes (check_violation). */
const NO_PARTITION = '23514';

export class ArchiveWriter {
  constructor(
    private readonly pool: pg.Pool,
    private readonly cursorName: string,
    private readonly partitions: ArchivePartitions,
  ) {}

  async commit(batch: ArchiveBatch): Promise<CommitResult> {
    const instants = batch.entries.flatMap((entry) => parseStreamId(entry.id)?.ms ?? []);
    const newest = instants.reduce((latest, ms) => Math.max(latest, ms), Number.NEGATIVE_INFINITY);
    // The day after the newest entry's too, so the first batch after midnight does not wait on DDL.
    if (instants.length > 0) await this.partitions.ensure([...instants, newest + DAY_MS]);
    try {
      return await inTransaction(this.pool, async (client) => {
        const current = await this.lockCursor(client);
        // Fencing: a leader that paused past its lock's expiry finds the cursor moved and writes nothing.
        if (current !== batch.from) return { committed: false, current };
        const inserted =
          batch.entries.length === 0
            ? 0
            : ((await client.query(INSERT_ROWS_SQL, rowArrays(batch.entries))).rowCount ?? 0);
        await client.query(
          `UPDATE request_log_cursor
              SET stream_id = $2, stream_offset = $3, missed = missed + $4, updated_at = now()
            WHERE name = $1`,
          [this.cursorName, batch.through, batch.offset ?? null, batch.missed],
        );
        return { committed: true, inserted };
      });
    } catch (error) {
      // A partition this instance believed in is gone: check them all again next time.
      if (isPgError(error, NO_PARTITION)) this.partitions.forget();
      throw error;
    }
  }

  /** Locks the cursor row until commit, creating it on the very first batch; returns its stream id. */
  private async lockCursor(client: pg.PoolClient): Promise<string> {
    const select = 'SELECT stream_id FROM request_log_cursor WHERE name = $1 FOR UPDATE';
    const found = await client.query<{ stream_id: string }>(select, [this.cursorName]);
    const row = found.rows[0];
    if (row) return row.stream_id;
    // Two first batches at once: the second insert waits for the first to commit, then finds it there.
    await client.query(
      `INSERT INTO request_log_cursor (name, stream_id) VALUES ($1, '') ON CONFLICT (name) DO NOTHING`,
      [this.cursorName],
    );
    const again = await client.query<{ stream_id: string }>(select, [this.cursorName]);
    return again.rows[0]?.stream_id ?? '';
  }
}

function isPgError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
