// The request-log archive read back: every filter as entryMatcher means it, cursors, day partitions,
// retention, and one walk across the archive and the Redis window.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { createArchivePool, migrateArchive } from '../../src/services/request-log/archive/archive-db.js';
import { RequestLogArchiver } from '../../src/services/request-log/archive/archive-job.js';
import { DAY_MS, dayOf, partitionName } from '../../src/services/request-log/archive/archive-partitions.js';
import { RequestLogArchive } from '../../src/services/request-log/archive/archive-query.js';
import {
  entryMatcher,
  type RequestLogFilter,
  type RequestLogFilterInput,
  requestLogFilterSchema,
} from '../../src/services/request-log/request-log-filter.js';
import { RequestLogService } from '../../src/services/request-log/request-log-service.js';
import type { StoredLedgerEntry } from '../../src/services/usage/ledger-entry.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { createTestRedis } from '../support/redis.js';
import {
  appendEntries,
  appendEntriesAt,
  readLedger,
  redisContext,
  variedEntries,
} from '../support/request-log-entries.js';
import { silentLogger } from '../support/services.js';

/** Every page of a filter, following cursors; `before` starts the first page. */
async function allPages(
  archive: RequestLogArchive,
  filter: RequestLogFilter,
  limit: number,
  before?: string,
) {
  const items: StoredLedgerEntry[] = [];
  let cursor = before;
  for (let pages = 0; pages < 10_000; pages += 1) {
    const page = await archive.page(filter, limit, cursor);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (page.nextCursor === undefined) return items;
    // A cursor is only given back with a full page, and it is the page's last entry.
    expect(page.items.length).toBe(limit);
    expect(page.nextCursor).toBe(page.items[page.items.length - 1]?.id);
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

describe('request-log archive queries', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateArchive(db.url, silentLogger);
    pool = createArchivePool(db.url, silentLogger);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function ledgerContext() {
    const redis = await createTestRedis();
    onTestFinished(() => redis.cleanup());
    await pool.query('TRUNCATE request_log; DELETE FROM request_log_cursor');
    return redisContext(redis.redis, redis.prefix);
  }

  it('answers every filter exactly as entryMatcher filters the ledger, in order, through its cursors', async () => {
    const context = await ledgerContext();
    // Arrivals a little before their append, as settles are (the archive prunes by the settle lag).
    await appendEntries(context, variedEntries(3000, { seed: 21, start: Date.now() - 30_000 }));
    await new RequestLogArchiver(context, pool, silentLogger).drain();
    const newestFirst = (await readLedger(context)).reverse();
    const at = (index: number) => newestFirst[index]?.at ?? 0;
    const inputs: Array<RequestLogFilterInput & { keyIds?: string[] }> = [
      {},
      { keyId: 'key_1' },
      { keyIds: ['key_0', 'key_4'] },
      { keyIds: [] },
      { keyIds: ['key_2'], outcome: 'upstream_error' },
      { keyId: 'key_3', outcome: 'ok' },
      { keyId: 'key_3', outcome: 'instance_lost' },
      { userId: 'user_1' },
      { accountId: 'acc_2' },
      { platform: 'openai' },
      { clientFormat: 'gemini' },
      { upstreamFormat: 'openai-chat' },
      { clientKind: 'codex' },
      { model: 'claude-haiku-4-5' },
      { model: 'gpt-5-20250101' },
      { outcome: 'failed_over' },
      { status: 429 },
      { errorCode: 'overloaded' },
      { requestId: 'req_a_c' },
      { requestId: 'req_a%c' },
      { requestId: 'req_1' },
      { requestId: 'req_1500' },
      { requestId: 'req_1500~1' },
      { clientRequestId: 'client-7' },
      { text: 'RATE limit' },
      { text: 'overloaded later' },
      { text: '100%' },
      { text: 'early_without' },
      { text: 'c:\\proxy' },
      { text: 'überlastet' },
      { text: 'İstanbul' },
      { text: 'istanbul' },
      { text: 'nowhere-to-be-found' },
      { minLatencyMs: 20_000.5 },
      { minTtftMs: 0 },
      { minTtftMs: 2500 },
      { minCostMicros: 150_000 },
      { minTokens: 60_000 },
      { minAttempts: 2 },
      { from: at(2000), to: at(500) },
      { from: at(10) },
      { to: at(2990) },
      { keyId: 'key_5', model: 'gemini-2.5-pro', minLatencyMs: 1000, from: at(2500) },
      { userId: 'user_0', text: 'limit', outcome: 'upstream_error', status: 429 },
    ];
    // The data holds look-alikes a loose prefix would take: only the request and its attempts match.
    const ids = (requestId: string) =>
      newestFirst.filter(entryMatcher({ requestId })).map((entry) => entry.requestId);
    expect(ids('req_a_c').sort()).toEqual(['req_a_c', 'req_a_c~1']);
    expect(ids('req_1').sort()).toEqual(['req_1', 'req_1~1']);
    for (const input of inputs) {
      const { keyIds, ...fields } = input;
      const filter: RequestLogFilter = {
        ...requestLogFilterSchema.parse(fields),
        ...(keyIds ? { keyIds } : {}),
      };
      const expected = newestFirst.filter(entryMatcher(filter));
      const archive = new RequestLogArchive(pool);
      const got = await allPages(archive, filter, 37);
      expect(
        got.map((entry) => entry.id),
        JSON.stringify(input),
      ).toEqual(expected.map((entry) => entry.id));
      expect(got).toStrictEqual(expected);
    }
  });

  it('pages strictly before a cursor, and refuses a cursor that is not a stream id', async () => {
    const context = await ledgerContext();
    await appendEntries(context, variedEntries(120, { seed: 1 }));
    await new RequestLogArchiver(context, pool, silentLogger).drain();
    const newestFirst = (await readLedger(context)).reverse();
    const archive = new RequestLogArchive(pool);
    const pivot = newestFirst[40]?.id;
    expect((await allPages(archive, {}, 25, pivot)).map((entry) => entry.id)).toEqual(
      newestFirst.slice(41).map((entry) => entry.id),
    );
    const last = await archive.page({}, 120, undefined);
    expect(last).toMatchObject({ nextCursor: undefined });
    expect(last.items).toHaveLength(120);
    expect(await archive.oldestArchived()).toBe(newestFirst[119]?.id);
    await expect(archive.page({}, 10, 'not-an-id')).rejects.toBeInstanceOf(AppError);
  });

  it('stores each UTC day in its own partition, and drops whole days past the retention', async () => {
    const context = await ledgerContext();
    const today = dayOf(Date.now());
    const days = [today - 3 * DAY_MS, today - 2 * DAY_MS, today - DAY_MS];
    const entries = variedEntries(9, { seed: 5 });
    await appendEntriesAt(
      context,
      entries.map((entry, index) => ({
        id: `${(days[Math.floor(index / 3)] ?? 0) + 3_600_000 + index}-0`,
        entry,
      })),
    );
    expect(await new RequestLogArchiver(context, pool, silentLogger).drain()).toBe(9);
    const byPartition = async () =>
      (
        await pool.query<{ partition: string; n: string }>(
          'SELECT tableoid::regclass::text AS partition, count(*) AS n FROM request_log GROUP BY 1 ORDER BY 1',
        )
      ).rows;
    expect(await byPartition()).toEqual(days.map((day) => ({ partition: partitionName(day), n: '3' })));

    // Two days kept: the oldest day is dropped whole, and entries of dropped days are not archived again.
    const keeping = new RequestLogArchiver(context, pool, silentLogger, { retentionDays: 2 });
    expect(await keeping.enforceRetention()).toEqual([days[0]]);
    expect((await byPartition()).map((row) => row.partition)).toEqual(days.slice(1).map(partitionName));
    await pool.query('TRUNCATE request_log; DELETE FROM request_log_cursor');
    expect(await keeping.drain()).toBe(6);
    expect((await byPartition()).map((row) => row.n)).toEqual(['3', '3']);
    expect(await keeping.archivedThrough()).toBe((await readLedger(context))[8]?.id);
  });

  it('walks one request log across the archive and the Redis window, in order, without gaps', async () => {
    const context = await ledgerContext();
    await appendEntries(context, variedEntries(5000, { seed: 31 }));
    await new RequestLogArchiver(context, pool, silentLogger, { batchSize: 700 }).drain();
    const archivedPart = await readLedger(context);
    // Redis keeps only its newest 2000; 3000 more arrive that the archive has not taken yet.
    await context.redis.xtrim(context.keys.ledgerStream(), 'MAXLEN', 2000);
    await appendEntries(context, variedEntries(3000, { seed: 32 }));
    const ledger = [...archivedPart, ...(await readLedger(context)).slice(2000)].reverse();
    expect(ledger).toHaveLength(8000);
    const service = new RequestLogService(context, {}, new RequestLogArchive(pool));
    for (const filter of [{}, { keyId: 'key_2' }, { keyId: 'key_4', outcome: 'upstream_error' as const }]) {
      const walked: StoredLedgerEntry[] = [];
      let cursor: string | undefined;
      do {
        const page = await service.page(filter, 250, cursor);
        walked.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(walked.map((entry) => entry.id)).toEqual(
        ledger.filter(entryMatcher(filter)).map((entry) => entry.id),
      );
    }
  });
});
