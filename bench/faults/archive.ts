// The request log's PostgreSQL archive under load: two instances with the archive on and a Redis window of
// 20,000 entries relay 100k requests; the one leading the archiver is SIGKILLed halfway. Then every request
// must be in PostgreSQL exactly once, the archive must hold every entry the ledger stream ever took, and the
// request log paged newest first must return each entry once, in order, from the Redis window into the
// archive, while the load runs (the tail not archived yet comes from Redis) and after it.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Services } from '../../src/services/container.js';
import type { RequestLogFilter } from '../../src/services/request-log/request-log-filter.js';
import { compareStreamIds, parseStreamId, type StreamId } from '../../src/services/request-log/stream-ids.js';
import { createTestDatabase } from '../../test/support/postgres.js';
import type { RelayProcess } from '../processes.js';
import { countBy, type FaultContext, send } from './context.js';

/** A prefix of its own: a ledger stream that starts empty, and the other faults' instances kept out of it. */
const PREFIX = 'faults-archive:';
const PAGE = 500;
const SAMPLE_EVERY_MS = 250;
const SETTLE_TIMEOUT_MS = 180_000;

export interface ArchiveOptions {
  requests: number;
  concurrency: number;
  /** REQUEST_LOG_MAX_ENTRIES of both instances: the Redis window. */
  window: number;
  upstreamUrl: string;
}

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

export interface ArchiveFigures {
  requests: number;
  concurrency: number;
  window: number;
  reqPerSec: number;
  statuses: Record<string, number>;
  killed: {
    /** Requests sent when the kill came. */
    afterRequests: number;
    /** Whether the killed instance held the archiver's leader lock. */
    archiveLeader: boolean;
    /** Requests to it that got no answer (in flight at the kill). */
    casualties: number;
    lagAtKill: number;
    /** From the kill until the survivor held the archiver's lock. */
    survivorLeadsAfterMs: number;
  };
  ledger: { entriesAdded: number; beforeArchive: number; windowAtEnd: number };
  archive: {
    rows: number;
    /** Request ids stored more than once (all rows, not only the 200s). */
    duplicates: number;
    /** x-request-ids of 200 answers not in PostgreSQL. */
    missing: number;
    missingSample: string[];
    outcomes: Record<string, number>;
    /** Entries the archiver counted as trimmed from Redis before it took them. */
    missedByArchiver: number;
    maxLag: number;
    lagAtEnd: number;
    /** From the last answer until the archive held the whole stream as it then stood. */
    catchUpMs: number;
    /** From the last answer until every admitted request was recorded (the ledger's pending set empty) and archived. */
    settledMs: number;
    lagAtLoadEnd: number;
    pendingAtLoadEnd: number;
    /** Rows per second: over the run, and the best second (catching up after the takeover). */
    rowsPerSec: number;
    peakRowsPerSec: number;
  };
  /** The whole log and one key's `ok` entries, each walked during the load and after it. */
  walks: { duringLoad: WalkFigures; keyOkDuringLoad: WalkFigures; full: WalkFigures; keyOk: WalkFigures };
  /** Every check that failed; empty when the done-when item holds. */
  problems: string[];
}

interface Sample {
  at: number;
  entriesAdded: number;
  offset: number;
  lag: number;
  missed: number;
  leaderPid: number | undefined;
}

interface Walk {
  ids: string[];
  pages: number;
  ms: number;
  fromRedis: number;
}

interface LiveWalks {
  full: Walk & { top: string | undefined };
  filtered: Walk & { top: string | undefined };
}

export async function runArchive(ctx: FaultContext, options: ArchiveOptions): Promise<ArchiveFigures> {
  const database = await createTestDatabase('relay_faults');
  // Dropped at the end of the run at the latest, after everything that connects to it has stopped.
  let dropped: Promise<void> | undefined;
  const drop = () => (dropped ??= database.drop());
  ctx.defer(drop);
  const pool = new pg.Pool({ connectionString: database.url, max: 2, application_name: 'llm-relay:faults' });
  const handle = await ctx.openServices({
    keyPrefix: PREFIX,
    ledgerMaxEntries: options.window,
    requestLogArchive: { databaseUrl: database.url, retentionDays: 90, backlogEntries: 1_000_000 },
    name: 'fault-run-archive',
  });
  const instances: RelayProcess[] = [];
  try {
    const settings = {
      keyPrefix: PREFIX,
      env: { REQUEST_LOG_DATABASE_URL: database.url, REQUEST_LOG_MAX_ENTRIES: String(options.window) },
    };
    instances.push(await ctx.startInstance(settings), await ctx.startInstance(settings));
    return await measure(handle.services, pool, instances, options);
  } finally {
    for (const instance of instances) await instance.stop();
    await handle.close().catch(() => {});
    await pool.end();
    await drop();
  }
}

async function measure(
  services: Services,
  pool: pg.Pool,
  instances: RelayProcess[],
  options: ArchiveOptions,
): Promise<ArchiveFigures> {
  const problems: string[] = [];
  const { redis, keys } = services.context;
  await services.accounts.create({
    type: 'claude-console',
    name: 'fault run: archive',
    baseUrl: options.upstreamUrl,
    credentials: { apiKey: 'fault-run-upstream-key' },
  });
  const keyA = await services.apiKeys.create({ name: 'fault run: archive, key A' });
  const keyB = await services.apiKeys.create({ name: 'fault run: archive, key B' });
  const beforeArchive = (await ledgerInfo(services)).entriesAdded;

  const samples: Sample[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push(await sample(services, pool));
      await sleep(SAMPLE_EVERY_MS);
    }
  })();

  // The load: `concurrency` clients, each request to the next live instance in turn.
  let live = [...instances];
  let sent = 0;
  let turn = 0;
  const okIds: string[] = [];
  const answers: Array<{ status: number; killed: boolean }> = [];
  let victim: RelayProcess | undefined;
  let killing: Promise<void> | undefined;
  let killedAt = 0;
  let killedAfter = 0;
  let archiveLeader = false;
  let lagAtKill = Number.NaN;
  const filter: RequestLogFilter = { keyId: keyA.key.id, outcome: 'ok' };
  let liveWalks: Promise<LiveWalks> | undefined;
  const kill = async () => {
    const pid = await leaderPid(services);
    victim = instances.find((instance) => instance.pid === pid) ?? instances[0];
    archiveLeader = victim?.pid === pid;
    // New requests go to the survivor from here on; those in flight to the victim are its casualties.
    live = instances.filter((instance) => instance !== victim);
    killedAfter = sent;
    lagAtKill = (await sample(services, pool)).lag;
    killedAt = performance.now();
    await victim?.kill();
    liveWalks = walksDuringLoad(services, pool, filter);
  };
  const client = async () => {
    while (sent < options.requests) {
      sent += 1;
      if (!killing && sent >= options.requests / 2) killing = kill();
      const target = live[turn++ % live.length];
      if (!target) break;
      const key = Math.random() < 0.5 ? keyA.plaintext : keyB.plaintext;
      const answer = await send(target.url, key);
      answers.push({ status: answer.status, killed: target === victim });
      if (answer.status === 200) okIds.push(answer.requestId);
    }
  };
  const loadStarted = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const loadEnded = performance.now();
  await killing;
  const duringLoad = await liveWalks;

  // Until every admitted request is recorded (the victim's by the reconciler, as instance_lost) and archived.
  let settled: Sample | undefined;
  let caughtUpAt: number | undefined;
  let lagAtLoadEnd = Number.NaN;
  let pendingAtLoadEnd = Number.NaN;
  while (performance.now() - loadEnded < SETTLE_TIMEOUT_MS) {
    const now = await sample(services, pool);
    const pending = await redis.zcard(keys.ledgerPending());
    if (Number.isNaN(lagAtLoadEnd)) [lagAtLoadEnd, pendingAtLoadEnd] = [now.lag, pending];
    if (now.lag === 0) caughtUpAt ??= now.at;
    if (pending === 0 && now.lag === 0) {
      settled = now;
      break;
    }
    await sleep(100);
  }
  const settledMs = performance.now() - loadEnded;
  sampling = false;
  await sampler;
  if (!settled) problems.push(`not caught up ${SETTLE_TIMEOUT_MS / 1000} s after the load`);
  const end = await sample(services, pool);
  const survivorPid = live[0]?.pid;
  const takeover = samples.find((entry) => entry.at > killedAt && entry.leaderPid === survivorPid);

  // (a) every 200 answer's request id in PostgreSQL exactly once.
  const duplicates = await pool.query<{ request_id: string; count: string }>(
    'SELECT request_id, count(*) FROM request_log GROUP BY request_id HAVING count(*) > 1',
  );
  const stored = new Set(
    (await pool.query<{ request_id: string }>('SELECT request_id FROM request_log')).rows.map(
      (row) => row.request_id,
    ),
  );
  const missing = okIds.filter((id) => !stored.has(id));
  const outcomes = await pool.query<{ outcome: string; count: string }>(
    'SELECT outcome, count(*) FROM request_log GROUP BY outcome ORDER BY outcome',
  );
  const rows = Number(
    (await pool.query<{ count: string }>('SELECT count(*) FROM request_log')).rows[0]?.count,
  );
  if (duplicates.rows.length > 0)
    problems.push(`${duplicates.rows.length} request ids stored more than once`);
  if (missing.length > 0) problems.push(`${missing.length} answered requests not archived`);
  if (new Set(okIds).size !== okIds.length) problems.push('an x-request-id answered twice');
  // (b) the archive holds every entry the stream ever took.
  const expected = end.entriesAdded - beforeArchive;
  if (rows !== expected) problems.push(`${rows} rows for ${expected} ledger entries`);
  if (end.missed !== 0)
    problems.push(`the archiver missed ${end.missed} entries trimmed before it took them`);

  // (c) the request log, newest first, against PostgreSQL's own order.
  // Once during the load (up to the newest entry each walk began with), once all is archived.
  if (!duringLoad) throw new Error('the walks during the load did not run');
  const walks = {
    duringLoad: await judge(pool, duringLoad.full, {}, duringLoad.full.top),
    keyOkDuringLoad: await judge(pool, duringLoad.filtered, filter, duringLoad.filtered.top),
    full: await judge(pool, await walk(services, pool, {}), {}, undefined),
    keyOk: await judge(pool, await walk(services, pool, filter), filter, undefined),
  };
  for (const [name, figures] of Object.entries(walks)) {
    const { strictlyDecreasing, repeated, missing: gaps, unknown } = figures;
    if (!strictlyDecreasing || repeated + gaps + unknown > 0)
      problems.push(
        `walk ${name}: ${repeated} repeated, ${gaps} missing, ${unknown} unknown, in order ${strictlyDecreasing}`,
      );
  }
  for (const name of ['duringLoad', 'keyOkDuringLoad'] as const)
    if (walks[name].fromRedis === 0) problems.push(`walk ${name} never read the Redis window`);

  const firstRow = samples.find((entry) => entry.offset > 0);
  const lastSample = settled ?? end;
  const seconds = firstRow ? (lastSample.at - firstRow.at) / 1000 : Number.NaN;
  return {
    requests: options.requests,
    concurrency: options.concurrency,
    window: options.window,
    reqPerSec: Math.round(answers.length / ((loadEnded - loadStarted) / 1000)),
    statuses: countBy(answers, (answer) => answer.status),
    killed: {
      afterRequests: killedAfter,
      archiveLeader,
      casualties: answers.filter((answer) => answer.killed && answer.status !== 200).length,
      lagAtKill,
      survivorLeadsAfterMs: takeover ? Math.round(takeover.at - killedAt) : Number.NaN,
    },
    ledger: {
      entriesAdded: end.entriesAdded,
      beforeArchive,
      windowAtEnd: await redis.xlen(keys.ledgerStream()),
    },
    archive: {
      rows,
      duplicates: duplicates.rows.length,
      missing: missing.length,
      missingSample: missing.slice(0, 5),
      outcomes: Object.fromEntries(outcomes.rows.map((row) => [row.outcome, Number(row.count)])),
      missedByArchiver: end.missed,
      maxLag: Math.max(...samples.map((entry) => entry.lag)),
      lagAtEnd: end.lag,
      catchUpMs: caughtUpAt === undefined ? Number.NaN : Math.round(caughtUpAt - loadEnded),
      settledMs: Math.round(settledMs),
      lagAtLoadEnd,
      pendingAtLoadEnd,
      rowsPerSec: Math.round((lastSample.offset - (firstRow?.offset ?? 0)) / seconds),
      peakRowsPerSec: peakRate(samples),
    },
    walks,
    problems,
  };
}

async function ledgerInfo(services: Services): Promise<{ entriesAdded: number; length: number }> {
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
async function leaderPid(services: Services): Promise<number | undefined> {
  const { redis, keys } = services.context;
  const owner = await redis.get(keys.lock('request-log-archive'));
  return owner ? Number(owner.split(':')[0]) : undefined;
}

/** The stream against the archive's cursor: how far behind the archive is (as the archiver computes it). */
async function sample(services: Services, pool: pg.Pool): Promise<Sample> {
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
function peakRate(samples: readonly Sample[]): number {
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

async function archivedThrough(pool: pg.Pool): Promise<StreamId | undefined> {
  const { rows } = await pool.query<{ stream_id: string }>(
    "SELECT stream_id FROM request_log_cursor WHERE name = 'ledger'",
  );
  return parseStreamId(rows[0]?.stream_id ?? '');
}

/** Pages the request log newest first to its end through `services.requestLog`, as the control plane does. */
async function walk(services: Services, pool: pg.Pool, filter: RequestLogFilter): Promise<Walk> {
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
async function walksDuringLoad(
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
async function judge(
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
