// The request log's PostgreSQL archive under load: two instances with the archive on and a Redis window of
// 20,000 entries relay 100k requests; the one leading the archiver is SIGKILLed halfway. Then every request
// must be in PostgreSQL exactly once, the archive must hold every entry the ledger stream ever took, and the
// request log paged newest first must return each entry once, in order, from the Redis window into the
// archive, while the load runs (the tail not archived yet comes from Redis) and after it.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Services } from '../../src/services/container.js';
import type { RequestLogFilter } from '../../src/services/request-log/request-log-filter.js';
import { createTestDatabase } from '../../test/support/postgres.js';
import type { RelayProcess } from '../processes.js';
import {
  judge,
  type LiveWalks,
  leaderPid,
  ledgerInfo,
  peakRate,
  type Sample,
  sample,
  type WalkFigures,
  walk,
  walksDuringLoad,
} from './archive-checks.js';
import { countBy, type FaultContext, send } from './context.js';

/** A prefix of its own: a ledger stream that starts empty, and the other faults' instances kept out of it. */
const PREFIX = 'faults-archive:';
const SAMPLE_EVERY_MS = 250;
const SETTLE_TIMEOUT_MS = 180_000;

export interface ArchiveOptions {
  requests: number;
  concurrency: number;
  /** REQUEST_LOG_MAX_ENTRIES of both instances: the Redis window. */
  window: number;
  upstreamUrl: string;
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
