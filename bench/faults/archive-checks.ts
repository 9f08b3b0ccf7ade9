// The archive fault's measurements: the ledger's and the archive's state, samples of the lag during the load,
// and walks of the request log newest first, judged against what PostgreSQL holds.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Services } from '../../src/services/container.js';
import type { RequestLogFilter } from '../../src/services/request-log/request-log-filter.js';
import { compareStreamIds, parseStreamId, type StreamId } from '../../src/services/request-log/stream-ids.js';

/** Entries per page of the walks. */
const PAGE = 500;

export interface WalkFigures {
  entries: number;
  pages: number;
  ms: number;
  /** Entries newer than the archive's cursor as read right after their page: they came from the Redis window. */
  fromRedis: number;
  /** Every id older than the one before it. */
  strictlyDecreasing: boolean;
  /** Entries returned twice, entries of PostgreSQL not returned, entries returned that PostgreSQL lacks. */
  repeated: number;
  missing: number;
  unknown: number;
}

export interface Sample {
  at: number;
  entriesAdded: number;
  offset: number;
  lag: number;
  missed: number;
  leaderPid: number | undefined;
}

export interface Walk {
  ids: string[];
  pages: number;
  ms: number;
  fromRedis: number;
}

export interface LiveWalks {
  full: Walk & { top: string | undefined };
  filtered: Walk & { top: string | undefined };
}

export async function ledgerInfo(services: Services): Promise<{ entriesAdded: number; length: number }> {
  const { redis, keys } = services.context;
  try {
    const reply = (await redis.xinfo('STREAM', keys.ledgerStream())) as unknown[];
    const field = (name: string) => Number(reply[reply.indexOf(name) + 1] ?? 0);
    return { entriesAdded: field('entries-added'), length: field('length') };
  } catch {
    // No stream yet: nothing appended.
    return { entriesAdded: 0, length: 0 };
  }
}

/** The pid in the archiver's leader lock (`<pid>:<uuid>`), if anyone holds it. */
export async function leaderPid(services: Services): Promise<number | undefined> {
  const { redis, keys } = services.context;
  const owner = await redis.get(keys.lock('request-log-archive'));
  return owner ? Number(owner.split(':')[0]) : undefined;
}

/** The stream against the archive's cursor: how far behind the archive is (as the archiver computes it). */
export async function sample(services: Services, pool: pg.Pool): Promise<Sample> {
  const [info, cursor, leader] = await Promise.all([
    ledgerInfo(services),
    pool.query<{ stream_id: string; stream_offset: string | null; missed: string }>(
      "SELECT stream_id, stream_offset, missed FROM request_log_cursor WHERE name = 'ledger'",
    ),
    leaderPid(services),
  ]);
  const row = cursor.rows[0];
  const offset = row?.stream_offset ? Number(row.stream_offset) : 0;
  return {
    at: performance.now(),
    entriesAdded: info.entriesAdded,
    offset,
    lag: !row || row.stream_id === '' ? info.length : Math.max(0, info.entriesAdded - offset),
    missed: Number(row?.missed ?? 0),
    leaderPid: leader,
  };
}

/** The most rows archived in one second of samples. */
export function peakRate(samples: readonly Sample[]): number {
  let best = 0;
  let from = 0;
  for (const [index, current] of samples.entries()) {
    while ((samples[from]?.at ?? current.at) < current.at - 1000) from += 1;
    const start = samples[from > 0 ? from - 1 : 0];
    if (!start || current.at === start.at || index === 0) continue;
    best = Math.max(best, ((current.offset - start.offset) * 1000) / (current.at - start.at));
  }
  return Math.round(best);
}

export async function archivedThrough(pool: pg.Pool): Promise<StreamId | undefined> {
  const { rows } = await pool.query<{ stream_id: string }>(
    "SELECT stream_id FROM request_log_cursor WHERE name = 'ledger'",
  );
  return parseStreamId(rows[0]?.stream_id ?? '');
}

/** Pages the request log newest first to its end through `services.requestLog`, as the control plane does. */
export async function walk(services: Services, pool: pg.Pool, filter: RequestLogFilter): Promise<Walk> {
  const ids: string[] = [];
  let pages = 0;
  let fromRedis = 0;
  let cursor: string | undefined;
  const started = performance.now();
  do {
    const page = await services.requestLog.page(filter, PAGE, cursor);
    pages += 1;
    // Read after the page: the cursor only moves forward, so what is newer still was not in the archive then.
    const boundary = await archivedThrough(pool);
    for (const entry of page.items) {
      ids.push(entry.id);
      const id = parseStreamId(entry.id);
      if (id && (!boundary || compareStreamIds(id, boundary) > 0)) fromRedis += 1;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { ids, pages, ms: performance.now() - started, fromRedis };
}

/**
 * The whole log and one key's successes, walked side by side once the archiver's leader is dead and the
 * unarchived tail grows in Redis: each walk starts in the Redis window while the load goes on.
 */
export async function walksDuringLoad(
  services: Services,
  pool: pg.Pool,
  filter: RequestLogFilter,
): Promise<LiveWalks> {
  // Let the tail grow past a few pages first.
  await sleep(3000);
  const [full, filtered] = await Promise.all([walk(services, pool, {}), walk(services, pool, filter)]);
  return { full: { ...full, top: full.ids[0] }, filtered: { ...filtered, top: filtered.ids[0] } };
}

/** Compares a walk with PostgreSQL's rows for the same filter, newest first, up to `top` when given. */
export async function judge(
  pool: pg.Pool,
  result: Walk,
  filter: RequestLogFilter,
  top: string | undefined,
): Promise<WalkFigures> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.keyId !== undefined) {
    params.push(filter.keyId);
    conditions.push(`key_id = $${params.length}`);
  }
  if (filter.outcome !== undefined) {
    params.push(filter.outcome);
    conditions.push(`outcome = $${params.length}`);
  }
  const topId = top === undefined ? undefined : parseStreamId(top);
  if (topId) {
    params.push(topId.ms, topId.seq);
    conditions.push(`(stream_ms, stream_seq) <= ($${params.length - 1}::bigint, $${params.length}::bigint)`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const { rows } = await pool.query<{ id: string }>(
    `SELECT stream_ms::text || '-' || stream_seq::text AS id FROM request_log ${where}
      ORDER BY stream_ms DESC, stream_seq DESC`,
    params,
  );
  const expected = new Set(rows.map((row) => row.id));
  const seen = new Set<string>();
  let repeated = 0;
  let unknown = 0;
  let strictlyDecreasing = true;
  let previous: StreamId | undefined;
  for (const text of result.ids) {
    if (seen.has(text)) repeated += 1;
    seen.add(text);
    if (!expected.has(text)) unknown += 1;
    const id = parseStreamId(text);
    if (!id || (previous && compareStreamIds(id, previous) >= 0)) strictlyDecreasing = false;
    previous = id;
  }
  return {
    entries: result.ids.length,
    pages: result.pages,
    ms: Math.round(result.ms),
    fromRedis: result.fromRedis,
    strictlyDecreasing,
    repeated,
    missing: [...expected].filter((id) => !seen.has(id)).length,
    unknown,
  };
}
