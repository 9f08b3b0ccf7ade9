// The archiver's persisted cursor: how far the ledger stream is archived, read here and moved only by
// ArchiveWriter, in the same transaction as the rows it covers.
import type pg from 'pg';
import type { CursorPosition } from './ledger-window.js';

export interface ArchiveCursorState extends CursorPosition {
  /** Entries trimmed from the stream before they could be archived, since the archive began. */
  missed: number;
}

export interface CursorRow {
  stream_id: string;
  stream_offset: string | null;
  missed: string;
}

export const CURSOR_COLUMNS = 'stream_id, stream_offset, missed';

export function cursorOfRow(row: CursorRow | undefined): ArchiveCursorState {
  if (!row) return { streamId: '', offset: undefined, missed: 0 };
  return {
    streamId: row.stream_id,
    offset: row.stream_offset === null ? undefined : Number(row.stream_offset),
    missed: Number(row.missed),
  };
}

export class ArchiveCursor {
  constructor(
    private readonly pool: pg.Pool,
    /** One cursor per archived stream. */
    readonly name: string,
  ) {}

  /** The cursor as last committed; the start of the stream ('') before the first batch. */
  async read(): Promise<ArchiveCursorState> {
    const { rows } = await this.pool.query<CursorRow>(
      `SELECT ${CURSOR_COLUMNS} FROM request_log_cursor WHERE name = $1`,
      [this.name],
    );
    return cursorOfRow(rows[0]);
  }

  /**
   * The newest stream id the archive holds every entry up to; undefined before its first batch. One indexed
   * read; it throws when the database cannot be reached, which a trimmer must take as "nothing archived".
   */
  async archivedThrough(): Promise<string | undefined> {
    const { streamId } = await this.read();
    return streamId === '' ? undefined : streamId;
  }
}
