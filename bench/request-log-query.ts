// Request-log archive bench: archives 100k ledger entries into a throwaway PostgreSQL database, then times
// filtered pages. `node --import tsx bench/request-log-query.ts` (env TEST_DATABASE_URL, REDIS_URL optional).
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { createLogger } from '../src/lib/logger.js';
import { startEmbeddedRedis } from '../src/services/redis/embedded-redis.js';
import { createArchivePool, migrateArchive } from '../src/services/request-log/archive/archive-db.js';
import { RequestLogArchiver } from '../src/services/request-log/archive/archive-job.js';
import { RequestLogArchive } from '../src/services/request-log/archive/archive-query.js';
import { INSERT_ROWS_SQL, rowArrays } from '../src/services/request-log/archive/archive-rows.js';
import { inTransaction } from '../src/services/request-log/archive/archive-transaction.js';
import type { RequestLogFilter } from '../src/services/request-log/request-log-filter.js';
import { RequestLogService } from '../src/services/request-log/request-log-service.js';
import type { StoredLedgerEntry } from '../src/services/usage/ledger-entry.js';
import { createTestDatabase } from '../test/support/postgres.js';
import {
  appendEntriesAt,
  readLedger,
  redisContext,
  variedEntries,
} from '../test/support/request-log-entries.js';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const KEYS = 200;
const DAYS = 3;
const RUNS = 20;
const PAGE = 50;

const logger = createLogger({
  level: 'silent',
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function time(run: (iteration: number) => Promise<unknown>): Promise<{ median: number; max: number }> {
  await run(-1); // warm the plan cache and the buffers once
  const times: number[] = [];
  for (let iteration = 0; iteration < RUNS; iteration += 1) {
    const started = performance.now();
    await run(iteration);
    times.push(performance.now() - started);
  }
  return { median: median(times), max: Math.max(...times) };
}

/**
 * The same rows as INSERT_ROWS_SQL, as multi-row VALUES: at most 65535 parameters, so 1000 rows a statement.
 */
async function insertWithValues(client: pg.PoolClient, entries: readonly StoredLedgerEntry[]): Promise<void> {
  for (let offset = 0; offset < entries.length; offset += 1000) {
    const arrays = rowArrays(entries.slice(offset, offset + 1000));
    const columns = INSERT_ROWS_SQL.slice(INSERT_ROWS_SQL.indexOf('('), INSERT_ROWS_SQL.indexOf(')') + 1);
    const rows = arrays[0]?.length ?? 0;
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (let row = 0; row < rows; row += 1) {
      const slots = arrays.map((array) => {
        params.push(array[row]);
        return `$${params.length}`;
      });
      tuples.push(`(${slots.join(', ')})`);
    }
    await client.query(
      `INSERT INTO request_log ${columns} VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
  }
}

async function main(): Promise<void> {
  const database = await createTestDatabase('relay_bench');
  const embedded = process.env.REDIS_URL
    ? undefined
    : await startEmbeddedRedis({ bin: process.env.REDIS_SERVER_BIN ?? 'redis-server', persist: false });
  const redis = new Redis(process.env.REDIS_URL ?? embedded?.url ?? '');
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const context = redisContext(redis, prefix);
  const pool = createArchivePool(database.url, logger);
  try {
    await migrateArchive(database.url, logger);
    // 100k requests over the last three days from 200 keys, outcomes skewed (85% ok).
    const span = DAYS * 86_400_000;
    const first = Date.now() - span;
    const entries = variedEntries(ENTRIES, { seed: 42, keys: KEYS });
    for (let offset = 0; offset < entries.length; offset += 5000) {
      await appendEntriesAt(
        context,
        entries.slice(offset, offset + 5000).map((entry, index) => {
          const ms = first + Math.floor(((offset + index) * span) / ENTRIES);
          entry.at = ms - 200;
          return { id: `${ms}-0`, entry };
        }),
      );
    }

    const archiver = new RequestLogArchiver(context, pool, logger);
    const archiveStarted = performance.now();
    const archived = await archiver.drain();
    const archiveSeconds = (performance.now() - archiveStarted) / 1000;
    await pool.query('ANALYZE request_log');

    // Insert strategies for one 2000-row batch, each in a transaction rolled back so the table is unchanged.
    const ledger = (await readLedger(context)).slice(0, 2000);
    await pool.query('TRUNCATE request_log');
    const strategy = (insert: (client: pg.PoolClient) => Promise<unknown>) =>
      time(() =>
        inTransaction(pool, async (client) => {
          await insert(client);
          throw new RollBack();
        }).catch((error) => {
          if (!(error instanceof RollBack)) throw error;
        }),
      );
    const unnest = await strategy((client) => client.query(INSERT_ROWS_SQL, rowArrays(ledger)));
    const values = await strategy((client) => insertWithValues(client, ledger));
    await pool.query('DELETE FROM request_log_cursor');
    await archiver.drain();
    await pool.query('ANALYZE request_log');

    const archive = new RequestLogArchive(pool);
    const key = (iteration: number) => `key_${(iteration * 37 + 11) % KEYS}`;
    const secondPage = async (filter: RequestLogFilter) => {
      const page = await archive.page(filter, PAGE, undefined);
      return archive.page(filter, PAGE, page.nextCursor);
    };
    const cases: Array<[string, (iteration: number) => Promise<unknown>]> = [
      ['key + outcome ok', (i) => archive.page({ keyId: key(i), outcome: 'ok' }, PAGE, undefined)],
      [
        'key + outcome upstream_error',
        (i) => archive.page({ keyId: key(i), outcome: 'upstream_error' }, PAGE, undefined),
      ],
      [
        'key + outcome instance_lost',
        (i) => archive.page({ keyId: key(i), outcome: 'instance_lost' }, PAGE, undefined),
      ],
      ['key', (i) => archive.page({ keyId: key(i) }, PAGE, undefined)],
      ['key, second page', (i) => secondPage({ keyId: key(i) })],
      ['free text "rate limit"', () => archive.page({ text: 'rate limit' }, PAGE, undefined)],
      ['free text, no match', () => archive.page({ text: 'no such words' }, PAGE, undefined)],
      ['unfiltered', () => archive.page({}, PAGE, undefined)],
      ['unfiltered, second page', () => secondPage({})],
      ['model (either name)', () => archive.page({ model: 'gpt-5-20250101' }, PAGE, undefined)],
      ['user + min latency', () => archive.page({ userId: 'user_1', minLatencyMs: 25_000 }, PAGE, undefined)],
      ['request id', (i) => archive.page({ requestId: `req_${1000 + i}` }, PAGE, undefined)],
    ];
    const results: Array<[string, { median: number; max: number }]> = [];
    for (const [name, run] of cases) results.push([name, await time(run)]);
    // The same entries read from the Redis window alone (no archive): a scan, bounded per page.
    const hot = new RequestLogService(context);
    const hotCases: Array<[string, (iteration: number) => Promise<unknown>]> = [
      ['key + outcome ok', (i) => hot.page({ keyId: key(i), outcome: 'ok' }, PAGE, undefined)],
      [
        'key + outcome upstream_error',
        (i) => hot.page({ keyId: key(i), outcome: 'upstream_error' }, PAGE, undefined),
      ],
      ['key', (i) => hot.page({ keyId: key(i) }, PAGE, undefined)],
      ['free text, no match', () => hot.page({ text: 'no such words' }, PAGE, undefined)],
      ['unfiltered', () => hot.page({}, PAGE, undefined)],
    ];
    const hotResults: Array<[string, { median: number; max: number }]> = [];
    for (const [name, run] of hotCases) hotResults.push([name, await time(run)]);

    const ms = (value: number) => value.toFixed(2).padStart(8);
    console.log(
      `\nrequest-log archive: ${archived} entries, ${KEYS} keys, ${DAYS} day partitions (+1 ahead)\n`,
    );
    console.log(
      `archiving: ${archived} entries in ${archiveSeconds.toFixed(2)} s = ${Math.round(archived / archiveSeconds)} entries/s`,
    );
    console.log(
      `insert 2000 rows: unnest ${ms(unnest.median)} ms | multi-VALUES (2 x 1000) ${ms(values.median)} ms (median of ${RUNS})\n`,
    );
    console.log(`| ${`query (page of ${PAGE})`.padEnd(32)} | median ms | max ms   |`);
    console.log('|----------------------------------|-----------|----------|');
    for (const [name, result] of results) {
      console.log(`| ${name.padEnd(32)} | ${ms(result.median)}  | ${ms(result.max)} |`);
    }
    console.log(
      `\nThe same ${ENTRIES} entries in the Redis window only (no archive; a page scans at most 20,000):\n`,
    );
    console.log(`| ${`query (page of ${PAGE})`.padEnd(32)} | median ms | max ms   |`);
    console.log('|----------------------------------|-----------|----------|');
    for (const [name, result] of hotResults) {
      console.log(`| ${name.padEnd(32)} | ${ms(result.median)}  | ${ms(result.max)} |`);
    }
  } finally {
    await pool.end();
    await redis.del(context.keys.ledgerStream(), context.keys.lock('request-log-archive'));
    await redis.quit();
    await embedded?.stop();
    await database.drop();
  }
}

class RollBack extends Error {}

await main();
