// The request log: every settled request, newest first, filtered, in cursor pages. It is the ledger read back:
// Redis holds the hot window; with an archive, what the archive has taken is answered from there (indexed),
// and only the tail not yet archived is scanned in Redis. Callers see one order and one cursor.
import { AppError } from '../../errors/app-error.js';
import type { RedisContext } from '../redis/record-store.js';
import { decodeLedgerEntry, type StoredLedgerEntry } from '../usage/ledger-entry.js';
import { entryMatcher, type RequestLogFilter, textTerms } from './request-log-filter.js';
import { compareStreamIds, cursorOf, formatStreamId, parseStreamId, type StreamId } from './stream-ids.js';

export interface RequestLogPage {
  items: StoredLedgerEntry[];
  /** Pass back as `after` for the next page; undefined when there is nothing older. */
  nextCursor: string | undefined;
}

/** The archive as the request log reads it (PostgreSQL; see archive/). */
export interface RequestLogArchiveReader {
  /** The newest stream id the archive holds every entry up to (its cursor); undefined before its first batch. */
  archivedThrough(): Promise<string | undefined>;
  /** Newest first, strictly before `before` (a stream id) when given. */
  page(filter: RequestLogFilter, limit: number, before: string | undefined): Promise<RequestLogPage>;
}

export interface RequestLogOptions {
  /** Entries written longer ago than this are not in the Redis window (nor returned from it); none when unset. */
  maxAgeMs?: number | undefined;
  /** Entries read per round trip while filtering, and the most one page examines in Redis. */
  scanBatch?: number;
  scanBudget?: number;
}

const DEFAULT_SCAN_BATCH = 1000;
const DEFAULT_SCAN_BUDGET = 20_000;
/** A request is settled (and appended) after it arrives; its stream id can trail `at` by this much. */
export const SETTLE_LAG_MS = 3_600_000;

export class RequestLogService {
  private readonly scanBatch: number;
  private readonly scanBudget: number;

  constructor(
    private readonly context: RedisContext,
    private readonly options: RequestLogOptions = {},
    private readonly archive?: RequestLogArchiveReader,
  ) {
    this.scanBatch = options.scanBatch ?? DEFAULT_SCAN_BATCH;
    this.scanBudget = options.scanBudget ?? DEFAULT_SCAN_BUDGET;
  }

  get archived(): boolean {
    return this.archive !== undefined;
  }

  /**
   * Newest first. A page examines a bounded stretch of the Redis window, so a rare filter there may give a
   * short (even empty) page with a cursor to go on from; no cursor means nothing older matches.
   */
  async page(filter: RequestLogFilter, limit: number, after: string | undefined): Promise<RequestLogPage> {
    const cursor = cursorOf(after);
    const { archive } = this;
    const boundaryText = archive ? await archiveCall(() => archive.archivedThrough()) : undefined;
    const boundary = boundaryText === undefined ? undefined : parseStreamId(boundaryText);
    // Everything at or before the boundary is in the archive, indexed: answered there.
    if (archive && boundary && cursor && compareStreamIds(cursor, boundary) <= 0) {
      return archiveCall(() => archive.page(filter, limit, formatStreamId(cursor)));
    }
    const hot = await this.scanRedis(filter, limit, cursor, boundary);
    if (hot.nextCursor !== undefined || !archive || !boundary)
      return { items: hot.items, nextCursor: hot.nextCursor };
    // A page that fills up just as the window ends: what is older is in the archive, so the walk goes on.
    if (hot.items.length === limit) return { items: hot.items, nextCursor: hot.items[limit - 1]?.id };
    // The archive goes on from the oldest entry the scan read, not from the boundary read before it: entries
    // the archiver took and the retention job trimmed meanwhile are then still found, in the archive.
    const before = hot.lastRead ?? (cursor ? formatStreamId(cursor) : undefined);
    const cold = await archiveCall(() => archive.page(filter, limit - hot.items.length, before));
    return { items: [...hot.items, ...cold.items], nextCursor: cold.nextCursor };
  }

  /** The newest entries, unfiltered. */
  async recent(count: number): Promise<StoredLedgerEntry[]> {
    return (await this.page({}, count, undefined)).items;
  }

  /** One entry by the relay's request id, from the Redis window or the archive; undefined when not found. */
  async find(requestId: string): Promise<StoredLedgerEntry | undefined> {
    const { items } = await this.page({ requestId }, 20, undefined);
    return items.find((entry) => entry.requestId === requestId);
  }

  /**
   * The Redis window newer than `floor` (exclusive), before `cursor` (exclusive). Stops at a full page, at the
   * scan budget (returning where it stopped), or at the window's end (no cursor).
   */
  private async scanRedis(
    filter: RequestLogFilter,
    limit: number,
    cursor: StreamId | undefined,
    floor: StreamId | undefined,
  ): Promise<RequestLogPage & { lastRead?: string }> {
    const { redis, keys } = this.context;
    const matches = entryMatcher(filter);
    const mustContain = literalsOf(filter);
    // The error-message words, for the same test on the lower-cased encoding (JSON leaves them as they are
    // unless they hold a quote, a backslash or a control character: those words are left to the matcher).
    const words = textTerms(filter.text).filter((word) => JSON.stringify(word) === `"${word}"`);
    const items: StoredLedgerEntry[] = [];
    let end = cursor
      ? `(${formatStreamId(cursor)}`
      : filter.to === undefined
        ? '+'
        : String(filter.to + SETTLE_LAG_MS);
    const start = this.scanStart(filter, floor);
    let examined = 0;
    let lastRead: string | undefined;
    while (examined < this.scanBudget) {
      const raw = await redis.xrevrange(keys.ledgerStream(), end, start, 'COUNT', this.scanBatch);
      for (const [index, [id, fields]] of raw.entries()) {
        // Most entries of a selective filter are ruled out by a substring test, before any JSON is parsed.
        const encoded = fields[1] ?? '';
        if (mustContain.some((literal) => !encoded.includes(literal))) continue;
        if (words.length > 0) {
          const lower = encoded.toLowerCase();
          if (words.some((word) => !lower.includes(word))) continue;
        }
        const entry = decodeLedgerEntry(id, fields);
        if (!matches(entry)) continue;
        items.push(entry);
        if (items.length === limit) {
          const more = index < raw.length - 1 || raw.length === this.scanBatch;
          return { items, nextCursor: more ? id : undefined };
        }
      }
      examined += raw.length;
      const last = raw[raw.length - 1];
      if (last) lastRead = last[0];
      if (raw.length < this.scanBatch || !last) {
        return { items, nextCursor: undefined, ...(lastRead === undefined ? {} : { lastRead }) };
      }
      end = `(${last[0]}`;
    }
    return { items, nextCursor: end.slice(1) };
  }

  /** The oldest stream id a scan may read: after the archive's boundary, within the age limit and `from`. */
  private scanStart(filter: RequestLogFilter, floor: StreamId | undefined): string {
    let ms = filter.from ?? 0;
    if (this.options.maxAgeMs !== undefined) ms = Math.max(ms, Date.now() - this.options.maxAgeMs);
    if (floor && compareStreamIds(floor, { ms, seq: 0 }) >= 0) return `(${formatStreamId(floor)}`;
    return ms === 0 ? '-' : String(ms);
  }
}

/**
 * A read from the archive; its failure is a 503 saying so, not a short answer: a page that stopped at the Redis
 * window would read as the whole log.
 */
async function archiveCall<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new AppError(
      'unavailable',
      'The request log archive (PostgreSQL) is unavailable; try again shortly',
      {
        cause: error,
      },
    );
  }
}

/**
 * Strings an entry's encoding must contain to match: the JSON form of each exact-match text field. Necessary,
 * not sufficient (the matcher decides); a text that only appears in another field merely costs a parse.
 */
function literalsOf(filter: RequestLogFilter): string[] {
  const exact = [
    filter.keyId,
    filter.userId,
    filter.accountId,
    filter.platform,
    filter.clientFormat,
    filter.upstreamFormat,
    filter.clientKind,
    filter.model,
    filter.outcome,
    filter.errorCode,
    filter.clientRequestId,
  ];
  const literals = exact
    .filter((value): value is string => value !== undefined)
    .map((v) => JSON.stringify(v));
  // A request id also matches its attempts (`<id>~<n>`): only the opening quote and the id are certain.
  if (filter.requestId !== undefined) literals.push(JSON.stringify(filter.requestId).slice(0, -1));
  if (filter.keyIds?.length === 1 && filter.keyIds[0] !== undefined)
    literals.push(JSON.stringify(filter.keyIds[0]));
  return literals;
}
