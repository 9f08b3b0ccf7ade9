// The request-log archive job: migrations, exactly-once archiving across failed batches, killed instances and
// rival leaders, its lag and the entries it missed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { RedisContext } from '../../src/services/redis/record-store.js';
import { createArchivePool, migrateArchive } from '../../src/services/request-log/archive/archive-db.js';
import {
  RequestLogArchiver,
  type RequestLogArchiverOptions,
} from '../../src/services/request-log/archive/archive-job.js';
import { ArchivePartitions } from '../../src/services/request-log/archive/archive-partitions.js';
import {
  type ArchiveRow,
  entryOfRow,
  SELECT_COLUMNS,
} from '../../src/services/request-log/archive/archive-rows.js';
import { ArchiveWriter } from '../../src/services/request-log/archive/archive-writer.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';
import { appendEntries, readLedger, redisContext, variedEntries } from '../support/request-log-entries.js';
import { ROOT } from '../support/server-process.js';
import { createTestServices, silentLogger } from '../support/services.js';
import { settleInput } from '../support/settle-input.js';

describe('request-log archive', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let redis: TestRedis;
  let context: RedisContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateArchive(db.url, silentLogger);
    pool = createArchivePool(db.url, silentLogger);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  beforeEach(async () => {
    redis = await createTestRedis();
    context = redisContext(redis.redis, redis.prefix);
    await pool.query('TRUNCATE request_log; DELETE FROM request_log_cursor');
  });
  afterEach(() => redis.cleanup());

  function archiver(
    options: RequestLogArchiverOptions = {},
    on: { context?: RedisContext; pool?: pg.Pool } = {},
  ) {
    const job = new RequestLogArchiver(on.context ?? context, on.pool ?? pool, silentLogger, {
      intervalMs: 10,
      retryPauseMs: 20,
      ...options,
    });
    onTestFinished(() => job.stop());
    return job;
  }

  /** Everything in the archive, oldest first. */
  async function archived() {
    const { rows } = await pool.query<ArchiveRow>(
      `SELECT ${SELECT_COLUMNS} FROM request_log ORDER BY stream_ms, stream_seq`,
    );
    return rows.map(entryOfRow);
  }

  /** Asserts the archive holds exactly the ledger: every entry once, nothing else. */
  async function expectArchiveIsLedger(on: RedisContext = context) {
    // One after the other: decoding a large archive read holds the event loop for a while, and a Redis read
    // waiting meanwhile would be timed out (its timer fires before its reply is read), though Redis answered.
    const ledger = await readLedger(on);
    const rows = await archived();
    expect(rows.length).toBe(ledger.length);
    expect(new Set(rows.map((entry) => entry.id)).size).toBe(ledger.length);
    expect(rows.map((entry) => entry.id)).toEqual(ledger.map((entry) => entry.id));
    return { rows, ledger };
  }

  it('migrates once when two instances start together', async () => {
    const fresh = await createTestDatabase();
    onTestFinished(() => fresh.drop());
    const runs = await Promise.all([
      migrateArchive(fresh.url, silentLogger),
      migrateArchive(fresh.url, silentLogger),
    ]);
    expect(runs.map((names) => names.length).sort()).toEqual([0, 1]);
    expect(await migrateArchive(fresh.url, silentLogger)).toEqual([]);
    const other = createArchivePool(fresh.url, silentLogger);
    onTestFinished(() => other.end());
    const { rows } = await other.query<{ name: string }>('SELECT name FROM request_log_migrations');
    expect(rows.map((row) => row.name)).toEqual(['1764806400000_request-log']);
  });

  it('archives every settled request once, each field as the ledger holds it', async () => {
    const services = await createTestServices({ ledgerMaxEntries: 100_000 });
    onTestFinished(() => services.stop());
    const entries = variedEntries(400, { seed: 7 });
    await Promise.all(entries.map((entry) => services.settler.settle(settleInput(entry.requestId, entry))));
    const job = archiver({ batchSize: 150 }, { context: services.context });
    expect(await job.archivedThrough()).toBeUndefined();
    expect(await job.drain()).toBe(400);
    const { rows, ledger } = await expectArchiveIsLedger(services.context);
    // Every field, absent values included, reads back as decodeLedgerEntry reads the stream.
    expect(rows).toStrictEqual(ledger);
    expect(await job.archivedThrough()).toBe(ledger[ledger.length - 1]?.id);
    expect(await job.drain()).toBe(0);
    expect(await job.lag()).toBe(0);
    expect(job.status()).toMatchObject({ name: 'request-log-archive', errors: 0, missed: 0 });
  });

  it('stores each entry once with two instances archiving the same ledger at once', async () => {
    await appendEntries(context, variedEntries(20_000, { seed: 3 }));
    const second = createArchivePool(db.url, silentLogger);
    onTestFinished(() => second.end());
    const a = archiver({ batchSize: 500 });
    const b = archiver({ batchSize: 500 }, { pool: second });
    a.start();
    b.start();
    // Beside the elected leader's loop, both drain too: three writers race over every batch.
    const drained = await Promise.all([a.drain(), b.drain()]);
    await expect.poll(() => a.lag(), { timeout: 20_000 }).toBe(0);
    expect(drained[0] + drained[1]).toBeLessThanOrEqual(20_000);
    await expectArchiveIsLedger();
    expect([a.status().active, b.status().active].filter(Boolean)).toHaveLength(1);
  });

  it('keeps nothing of a batch that failed before commit, and archives it once on the next pass', async () => {
    const entries = variedEntries(1000, { seed: 11 });
    const poisoned = entries[650];
    if (!poisoned) throw new Error('no entry');
    poisoned.requestId = 'req_poison';
    await appendEntries(context, entries);
    // The 5th batch fails half-way through its insert, as an instance dying mid-transaction would.
    await pool.query(`
      CREATE FUNCTION fail_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.request_id = 'req_poison' THEN RAISE EXCEPTION 'instance died'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER fail_poison BEFORE INSERT ON request_log FOR EACH ROW EXECUTE FUNCTION fail_poison();`);
    onTestFinished(async () => {
      await pool.query(
        'DROP TRIGGER IF EXISTS fail_poison ON request_log; DROP FUNCTION IF EXISTS fail_poison',
      );
    });
    const job = archiver({ batchSize: 130 });
    await expect(job.drain()).rejects.toThrow('instance died');
    expect(job.status()).toMatchObject({ errors: 1, lastError: 'instance died' });
    const ledger = await readLedger(context);
    expect((await archived()).map((entry) => entry.id)).toEqual(
      ledger.slice(0, 650).map((entry) => entry.id),
    );
    expect(await job.archivedThrough()).toBe(ledger[649]?.id);
    await pool.query('DROP TRIGGER fail_poison ON request_log');
    expect(await job.drain()).toBe(350);
    await expectArchiveIsLedger();
  });

  it('loses nothing and stores nothing twice when an instance is killed mid-run', async () => {
    await appendEntries(context, variedEntries(100_000, { seed: 5 }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/archive-worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ARCHIVE_REDIS_ENDPOINT: JSON.stringify(redis.endpoint),
        ARCHIVE_KEY_PREFIX: redis.prefix,
        ARCHIVE_DATABASE_URL: db.url,
        ARCHIVE_BATCH_SIZE: '1000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    const lines = child.stdout ? createInterface({ input: child.stdout }) : undefined;
    if (lines) await once(lines, 'line');
    const count = async () => Number((await pool.query('SELECT count(*) AS n FROM request_log')).rows[0].n);
    await expect.poll(count, { timeout: 30_000, interval: 5 }).toBeGreaterThan(30_000);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const before = await count();
    expect(before).toBeLessThan(100_000);
    // The killed leader's lock is still held until it expires; a drain does not wait for it.
    const job = archiver({ batchSize: 2000 });
    expect(await job.drain()).toBe(100_000 - before);
    await expectArchiveIsLedger();
  }, 90_000);

  it('writes nothing for a stale leader whose cursor moved under it', async () => {
    await appendEntries(context, variedEntries(30, { seed: 2 }));
    const ledger = await readLedger(context);
    const job = archiver({ batchSize: 10 });
    expect(await job.drain()).toBe(30);
    // A leader that read its batch from the start, paused past its lock, and comes back to commit it.
    await pool.query('DELETE FROM request_log WHERE stream_ms >= 0');
    const stale = new ArchiveWriter(pool, 'ledger', new ArchivePartitions(pool));
    const result = await stale.commit({
      from: '',
      through: ledger[9]?.id ?? '',
      offset: 10,
      missed: 0,
      entries: ledger.slice(0, 10),
    });
    expect(result).toEqual({ committed: false, current: ledger[29]?.id });
    expect(await archived()).toEqual([]);
    expect(await job.archivedThrough()).toBe(ledger[29]?.id);
  });

  it('counts entries trimmed from the ledger before they were archived, and reports its lag', async () => {
    await appendEntries(context, variedEntries(100, { seed: 4 }));
    const job = archiver({ batchSize: 1000 });
    expect(await job.lag()).toBe(100);
    await job.drain();
    expect(await job.lag()).toBe(0);
    await appendEntries(context, variedEntries(50, { seed: 8 }));
    expect(await job.lag()).toBe(50);
    // Trimmed unarchived: 40 of the 50 new entries are gone before the archive reads them.
    await context.redis.xtrim(context.keys.ledgerStream(), 'MAXLEN', 10);
    expect(await job.drain()).toBe(10);
    expect(job.status().missed).toBe(40);
    expect(await job.lag()).toBe(0);
    const { rows } = await pool.query('SELECT missed FROM request_log_cursor');
    expect(rows).toEqual([{ missed: '40' }]);
    // Later batches, their predecessors present, count nothing more.
    await appendEntries(context, variedEntries(5, { seed: 9 }));
    expect(await job.drain()).toBe(5);
    expect(job.status().missed).toBe(40);
  });

  it('keeps archiving, never crashing, while PostgreSQL is unreachable', async () => {
    await appendEntries(context, variedEntries(10, { seed: 6 }));
    const away = createArchivePool('postgres://postgres@127.0.0.1:1/none', silentLogger, {
      connectTimeoutMs: 200,
    });
    onTestFinished(() => away.end());
    const job = archiver({ retryPauseMs: 10 }, { pool: away });
    job.start();
    await expect.poll(() => job.status().errors, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(job.status()).toMatchObject({ active: true, lastSuccessAt: undefined });
    expect(job.status().lastError).toMatch(/ECONNREFUSED/);
    await job.stop();
  });
});
