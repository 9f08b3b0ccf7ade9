// The ledger stream as the archiver reads it: the entries after its cursor, and where they sit in the stream
// (Redis 7's entries-added count), which gives the archive's lag and any entries trimmed before it took them.
import type { RedisContext } from '../../redis/record-store.js';
import { decodeLedgerEntry, type StoredLedgerEntry } from '../../usage/ledger-entry.js';

export interface LedgerInfo {
  length: number;
  /** Entries ever added to the stream (Redis 7 and later; undefined before). */
  entriesAdded: number | undefined;
  firstId: string | undefined;
  lastId: string | undefined;
}

export interface LedgerSlice {
  entries: StoredLedgerEntry[];
  /** The stream as it stood when the entries were read (the same atomic read). */
  info: LedgerInfo;
}

/** Where the archive stands in the stream: the last id it holds, and that entry's position, when known. */
export interface CursorPosition {
  streamId: string;
  offset: number | undefined;
}

export interface SlicePlacement {
  /** The position of the slice's last entry (1-based, as entries-added counts), when known. */
  offset: number | undefined;
  /**
   * Entries trimmed between the cursor and the slice; undefined when some may have been but Redis cannot say.
   */
  missed: number | undefined;
}

const EMPTY: LedgerInfo = { length: 0, entriesAdded: undefined, firstId: undefined, lastId: undefined };

/** Up to `count` entries after `after` ('' for the start), read together with the stream's info. */
export async function readLedgerAfter(
  context: RedisContext,
  after: string,
  count: number,
): Promise<LedgerSlice> {
  const key = context.keys.ledgerStream();
  // One MULTI: the info must describe the stream the entries were read from, not one trimmed a moment later.
  const results = await context.redis
    .multi()
    .xinfo('STREAM', key)
    .xrange(key, after ? `(${after}` : '-', '+', 'COUNT', count)
    .exec();
  const [infoResult, rangeResult] = results ?? [];
  // A stream that does not exist yet answers XINFO with an error: it is empty.
  if (!infoResult || infoResult[0] || !rangeResult) return { entries: [], info: EMPTY };
  if (rangeResult[0]) throw rangeResult[0];
  const raw = rangeResult[1] as Array<[string, string[]]>;
  return {
    entries: raw.map(([id, fields]) => decodeLedgerEntry(id, fields)),
    info: parseInfo(infoResult[1]),
  };
}

export async function readLedgerInfo(context: RedisContext): Promise<LedgerInfo> {
  try {
    return parseInfo(await context.redis.xinfo('STREAM', context.keys.ledgerStream()));
  } catch (error) {
    if (error instanceof Error && /no such key/i.test(error.message)) return EMPTY;
    throw error;
  }
}

/**
 * Places a slice read after `cursor`. An entry is the cursor's successor unless it is the stream's first
 * entry: then the stream was trimmed past the cursor, and the gap in positions is what was trimmed
 * unarchived. The slice's last position is re-read from entries-added whenever it ends the stream, so an
 * error never lingers.
 */
export function placeSlice(cursor: CursorPosition, slice: LedgerSlice): SlicePlacement {
  const { entries, info } = slice;
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (!first || !last) return { offset: cursor.offset, missed: 0 };
  const oldest = info.entriesAdded === undefined ? undefined : info.entriesAdded - info.length + 1;
  let firstOffset: number | undefined;
  let missed: number | undefined = 0;
  if (first.id !== info.firstId) {
    firstOffset = cursor.offset === undefined ? undefined : cursor.offset + 1;
  } else {
    firstOffset = oldest;
    if (cursor.streamId !== '') {
      const gap =
        oldest === undefined || cursor.offset === undefined ? undefined : oldest - cursor.offset - 1;
      // A negative gap is a stream that was deleted and started again: nothing known was lost.
      missed = gap === undefined ? undefined : Math.max(0, gap);
    }
  }
  const offset =
    last.id === info.lastId && info.entriesAdded !== undefined
      ? info.entriesAdded
      : firstOffset === undefined
        ? undefined
        : firstOffset + entries.length - 1;
  return { offset, missed };
}

/** Entries in the stream the archive has not taken yet; undefined when the positions are unknown. */
export function lagOf(info: LedgerInfo, cursor: CursorPosition): number | undefined {
  if (cursor.streamId === '') return info.length;
  if (info.entriesAdded === undefined || cursor.offset === undefined) return undefined;
  return Math.max(0, Math.min(info.length, info.entriesAdded - cursor.offset));
}

function parseInfo(reply: unknown): LedgerInfo {
  const fields = new Map<string, unknown>();
  if (Array.isArray(reply)) {
    for (let index = 0; index + 1 < reply.length; index += 2)
      fields.set(String(reply[index]), reply[index + 1]);
  }
  const entryId = (value: unknown) =>
    Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
  const added = fields.get('entries-added');
  return {
    length: Number(fields.get('length') ?? 0),
    entriesAdded: added === undefined || added === null ? undefined : Number(added),
    firstId: entryId(fields.get('first-entry')),
    lastId: entryId(fields.get('last-entry')),
  };
}
