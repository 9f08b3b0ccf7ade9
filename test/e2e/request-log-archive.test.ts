// The request log with its PostgreSQL archive through a running relay: relayed requests reach the archive
// exactly once, the Redis window is trimmed to its size behind the archive, and one walk of the log crosses
// from the window into the archive in order without gaps. A database that is down does not stop the relay:
// /ready and system status report the archive's job failing, and a query past the window answers 503.
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredLedgerEntry } from '../../src/services/usage/ledger-entry.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream/index.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { createClaudeAccount, createKey, settled, startTestRelay, type TestRelay } from '../support/relay.js';

const agent = new Agent({ connections: 32 });

async function relayRequests(relay: TestRelay, key: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const response = await request(`${relay.url}/v1/messages`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({
          model: 'claude-haiku-4-5',
          max_tokens: 8,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      await response.body.text();
      expect(response.statusCode).toBe(200);
      ids.push(String(response.headers['x-request-id']));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return ids;
}

describe('request log archive', () => {
  let upstream: FakeUpstream;
  let database: TestDatabase;
  let relay: TestRelay;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    database = await createTestDatabase();
    relay = await startTestRelay({
      env: { REQUEST_LOG_DATABASE_URL: database.url, REQUEST_LOG_MAX_ENTRIES: '1000' },
    });
    await createClaudeAccount(relay, upstream.url);
  });
  afterAll(async () => {
    await relay.stop();
    await upstream.close();
    await database.drop();
    await agent.close();
  });

  it('archives every relayed request once and walks the log across the window into the archive', async () => {
    const { plaintext } = await createKey(relay);
    const parts = relay.server.services.requestLogParts;
    const archiver = parts.archiver;
    if (!archiver) throw new Error('the archive is not on');
    // The archive's job stops (as when the instance running it is killed): the window (1000) fills well past its
    // size, and nothing the archive has not taken may be trimmed meanwhile, by the appends or by the retention job.
    await archiver.stop();
    const sent = await relayRequests(relay, plaintext, 2500);
    await settled(relay);
    await parts.retention.trim();
    expect(
      await relay.server.services.context.redis.xlen(relay.server.services.context.keys.ledgerStream()),
    ).toBe(2500);
    await archiver.drain();
    await parts.retention.trim();
    const { redis, keys } = relay.server.services.context;
    expect(await redis.xlen(keys.ledgerStream())).toBeLessThanOrEqual(1000);

    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const rows = await client.query<{ request_id: string; copies: string }>(
        'SELECT request_id, count(*) AS copies FROM request_log GROUP BY request_id',
      );
      expect(rows.rows.filter((row) => Number(row.copies) !== 1)).toEqual([]);
      expect(new Set(rows.rows.map((row) => row.request_id))).toEqual(new Set(sent));
    } finally {
      await client.end();
    }

    // One walk, newest first, pages of 300: from the Redis window into the archive.
    const walked: StoredLedgerEntry[] = [];
    let after: string | undefined;
    do {
      const page = await relay.server.services.requestLog.page({}, 300, after);
      walked.push(...page.items);
      after = page.nextCursor;
    } while (after);
    expect(walked).toHaveLength(sent.length);
    expect(new Set(walked.map((entry) => entry.requestId))).toEqual(new Set(sent));
    const ids = walked.map((entry) => entry.id);
    const ordered = [...ids].sort((a, b) => {
      const [am, as] = a.split('-').map(Number);
      const [bm, bs] = b.split('-').map(Number);
      return (bm ?? 0) - (am ?? 0) || (bs ?? 0) - (as ?? 0);
    });
    expect(ids).toEqual(ordered);
    // Entries read back from the archive equal what the window held.
    const oldest = walked[walked.length - 1];
    expect(oldest?.clientFormat).toBe('anthropic');
    expect(oldest?.attempts).toBe(1);

    const ready = await (await fetch(`${relay.url}/ready`)).json();
    expect(ready.jobs.map((job: { name: string }) => job.name)).toEqual(
      expect.arrayContaining([
        'rollups',
        'reconciler',
        'request-log-retention',
        'request-log-archive',
        'alerts',
      ]),
    );
    expect(ready.degraded).toBe(false);
  });

  it('keeps serving with the archive database down, reporting the failing job and refusing archive reads', async () => {
    const down = await startTestRelay({
      env: {
        REQUEST_LOG_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere',
        REQUEST_LOG_MAX_ENTRIES: '1000',
      },
    });
    try {
      await createClaudeAccount(down, upstream.url);
      const { plaintext } = await createKey(down);
      await relayRequests(down, plaintext, 3);
      await expect
        .poll(
          async () => {
            const ready = await (await fetch(`${down.url}/ready`)).json();
            return ready.jobs.find((job: { name: string }) => job.name === 'request-log-archive')?.lastError;
          },
          { timeout: 15_000, interval: 100 },
        )
        .toBeTruthy();
      const ready = await fetch(`${down.url}/ready`);
      expect(ready.status).toBe(200);
      expect((await ready.json()).degraded).toBe(true);
      await expect(down.server.services.requestLog.page({}, 10, undefined)).rejects.toMatchObject({
        code: 'unavailable',
      });
    } finally {
      await down.stop();
    }
  });
});
