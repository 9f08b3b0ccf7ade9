// Reads the request-log archive: filtered pages newest first, with the same entries, ids and cursors as the
// Redis window, so the request log can continue from one store into the other.
import type pg from 'pg';
import type { StoredLedgerEntry } from '../../usage/ledger-entry.js';
import type { RequestLogFilter } from '../request-log-filter.js';
import type { RequestLogArchiveReader, RequestLogPage } from '../request-log-service.js';
import { cursorOf } from '../stream-ids.js';
import { ArchiveCursor } from './archive-cursor.js';
import { filterConditions, SqlParameters } from './archive-filter-sql.js';
import { type ArchiveRow, entryOfRow, SELECT_COLUMNS } from './archive-rows.js';

export interface RequestLogArchiveOptions {
  /** The archiver's cursor row (RequestLogArchiverOptions.cursorName). */
  cursorName?: string;
}

export class RequestLogArchive implements RequestLogArchiveReader {
  private readonly cursor: ArchiveCursor;

  constructor(
    private readonly pool: pg.Pool,
    options: RequestLogArchiveOptions = {},
  ) {
    this.cursor = new ArchiveCursor(pool, options.cursorName ?? 'ledger');
  }

  /** The newest stream id archived with everything before it; undefined before the first batch. */
  archivedThrough(): Promise<string | undefined> {
    return this.cursor.archivedThrough();
  }

  /**
   * Newest first, strictly before `before` (a stream id) when given. Every page is one indexed query that
   * reads at most `limit + 1` matching rows; no cursor back means nothing older matches.
   */
  async page(filter: RequestLogFilter, limit: number, before: string | undefined): Promise<RequestLogPage> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`page limit must be a positive integer`);
    const params = new SqlParameters();
    const conditions = filterConditions(filter, params);
    const boundary = cursorOf(before, 'before');
    if (boundary) {
      const ms = params.add(boundary.ms);
      const seq = params.add(boundary.seq);
      // The row comparison is what orders; the plain bound on stream_ms is what prunes partitions.
      conditions.push(
        `(stream_ms, stream_seq) < (${ms}::bigint, ${seq}::bigint)`,
        `stream_ms <= ${ms}::bigint`,
      );
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const { rows } = await this.pool.query<ArchiveRow>(
      `SELECT ${SELECT_COLUMNS} FROM request_log ${where}
        ORDER BY stream_ms DESC, stream_seq DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const items: StoredLedgerEntry[] = rows.slice(0, limit).map(entryOfRow);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? last.id : undefined };
  }

  /**
   * The oldest entry's stream id the archive still holds (retention drops whole days); undefined when empty.
   */
  async oldestArchived(): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ stream_ms: string; stream_seq: string }>(
      'SELECT stream_ms, stream_seq FROM request_log ORDER BY stream_ms, stream_seq LIMIT 1',
    );
    const row = rows[0];
    return row ? `${row.stream_ms}-${row.stream_seq}` : undefined;
  }
}
