// The request log over the Redis window: every filter means what entryMatcher says, pages are newest first
// without gaps or repeats however the scan budget cuts them, the age bound is exact, and the retention job
// holds the window to its size and age without trimming what the rollups still need.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Services } from '../../src/services/container.js';
import { entryMatcher, type RequestLogFilter } from '../../src/services/request-log/request-log-filter.js';
import { RequestLogService } from '../../src/services/request-log/request-log-service.js';
import { RequestLogRetention } from '../../src/services/request-log/retention-job.js';
import type { StoredLedgerEntry } from '../../src/services/usage/ledger-entry.js';
import type { Outcome } from '../../src/services/usage/usage-types.js';
import { createTestServices, silentLogger } from '../support/services.js';
import { settleInput } from '../support/settle-input.js';

const OUTCOMES: Outcome[] = ['ok', 'ok', 'ok', 'upstream_error', 'client_aborted', 'failed_over'];
/** Arrivals in the last few minutes: a request settles soon after it arrives, which time filters rely on. */
const BASE = Date.now() - 300_000;
const MESSAGES = ['Overloaded upstream', 'The upstream did not answer in time', 'Invalid API key given'];

describe('request log', () => {
  let services: Services;
  beforeEach(async () => {
    services = await createTestServices({ ledgerMaxEntries: 100_000 });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await services.stop();
  });

  /** 120 varied requests, settled in order; returns them newest first as the log holds them. */
  async function settleVaried(count = 120): Promise<StoredLedgerEntry[]> {
    for (let index = 0; index < count; index += 1) {
      const outcome = OUTCOMES[index % OUTCOMES.length] ?? 'ok';
      const failed = outcome !== 'ok';
      await services.settler.settle(
        settleInput(index % 7 === 0 ? `req-${index - 1}~1` : `req-${index}`, {
          keyId: `key_${index % 5}`,
          userId: index % 2 === 0 ? 'usr_even' : undefined,
          lease: {
            platform: 'claude',
            accountId: `acc_${index % 3}`,
            requestId: `req-${index}`,
            key: services.context.keys.poolLeases('claude', `acc_${index % 3}`),
            untrack: () => {},
          },
          platform: index % 4 === 0 ? 'openai' : 'claude',
          model: index % 3 === 0 ? 'claude-sonnet-4-5' : 'claude-haiku-4-5',
          upstreamModel: index % 6 === 0 ? 'claude-sonnet-4-5-20250929' : 'claude-haiku-4-5',
          clientFormat: index % 4 === 0 ? 'openai-chat' : 'anthropic',
          upstreamFormat: 'anthropic',
          clientKind: index % 5 === 0 ? 'claude-code' : undefined,
          outcome,
          status: failed ? (index % 2 === 0 ? 529 : 502) : 200,
          errorCode: failed ? 'upstream_error' : undefined,
          errorMessage: failed ? MESSAGES[index % MESSAGES.length] : undefined,
          latencyMs: (index * 37) % 900,
          ttftMs: index % 3 === 0 ? undefined : (index * 11) % 400,
          attempts: index % 9 === 0 ? 2 : 1,
          at: BASE + index * 1000,
          usage: { input: index * 10, output: index, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
        }),
      );
    }
    return (await services.requestLog.page({}, 500, undefined)).items;
  }

  /** Every page of a filter, following cursors to the end. */
  async function allPages(log: RequestLogService, filter: RequestLogFilter, size: number) {
    const seen: StoredLedgerEntry[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 500; pages += 1) {
      const page = await log.page(filter, size, after);
      seen.push(...page.items);
      if (!page.nextCursor) return seen;
      after = page.nextCursor;
    }
    throw new Error('paging did not end');
  }

  it('answers every filter as entryMatcher does, newest first, through any page size and scan budget', async () => {
    const all = await settleVaried();
    expect(all).toHaveLength(120);
    const ids = all.map((entry) => entry.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    const filters: RequestLogFilter[] = [
      {},
      { keyId: 'key_3' },
      { keyIds: ['key_1', 'key_4'] },
      { userId: 'usr_even', outcome: 'client_aborted' },
      { accountId: 'acc_2', platform: 'claude' },
      { clientFormat: 'openai-chat' },
      { upstreamFormat: 'anthropic', clientKind: 'claude-code' },
      { model: 'claude-sonnet-4-5-20250929' },
      { model: 'claude-sonnet-4-5' },
      { status: 529 },
      { errorCode: 'upstream_error', text: 'UPSTREAM time' },
      { text: 'invalid key' },
      { requestId: 'req-6' },
      { minLatencyMs: 500, minTtftMs: 100 },
      { minTokens: 600, minAttempts: 2 },
      { minCostMicros: 1 },
      { from: BASE + 30_000, to: BASE + 60_000 },
    ];
    // A tiny scan budget makes rare filters come back in short pages with cursors: no entry may be lost.
    const tight = new RequestLogService(services.context, { scanBatch: 7, scanBudget: 14 });
    for (const filter of filters) {
      const expected = all.filter(entryMatcher(filter)).map((entry) => entry.requestId);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      const wide = await allPages(services.requestLog, filter, 50);
      expect(
        wide.map((entry) => entry.requestId),
        JSON.stringify(filter),
      ).toEqual(expected);
      const narrow = await allPages(tight, filter, 3);
      expect(
        narrow.map((entry) => entry.requestId),
        JSON.stringify(filter),
      ).toEqual(expected);
    }
    expect(all.filter(entryMatcher({ keyId: 'key_none' }))).toEqual([]);
    expect((await services.requestLog.page({ keyId: 'key_none' }, 10, undefined)).items).toEqual([]);
  });

  it('finds a request with the attempts that failed over before it', async () => {
    await settleVaried(10);
    const entry = await services.requestLog.find('req-6');
    expect(entry?.requestId).toBe('req-6');
    const both = await services.requestLog.page({ requestId: 'req-6' }, 10, undefined);
    expect(both.items.map((item) => item.requestId)).toEqual(['req-6~1', 'req-6']);
  });

  it('refuses a malformed cursor naming the argument', async () => {
    await expect(services.requestLog.page({}, 10, 'nope')).rejects.toMatchObject({
      code: 'invalid_request',
      details: { field: 'after' },
    });
  });

  it('returns nothing older than the age bound, exactly', async () => {
    await settleVaried(6);
    const log = new RequestLogService(services.context, { maxAgeMs: 3_600_000 });
    expect((await log.page({}, 50, undefined)).items).toHaveLength(6);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_600_001);
    expect((await log.page({}, 50, undefined)).items).toEqual([]);
  });

  it('trims the window to its size and age, never past what the rollups have not taken', async () => {
    await settleVaried(30);
    const retention = new RequestLogRetention(
      services.context,
      { maxEntries: 10, maxAgeMs: undefined },
      silentLogger,
    );
    // The rollups have read nothing yet: every entry is still needed.
    expect(await retention.trim()).toBe(0);
    await services.rollups.drain();
    expect(await retention.trim()).toBe(20);
    const left = (await services.requestLog.page({}, 50, undefined)).items;
    expect(left.map((entry) => entry.requestId)).toEqual(
      (await services.requestLog.recent(10)).map((entry) => entry.requestId),
    );
    expect(left).toHaveLength(10);

    const byAge = new RequestLogRetention(
      services.context,
      { maxEntries: 1000, maxAgeMs: 60_000 },
      silentLogger,
    );
    expect(await byAge.trim()).toBe(0);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_001);
    expect(await byAge.trim()).toBe(10);
    expect(byAge.status()).toMatchObject({ name: 'request-log-retention', errors: 0, lastError: undefined });
  });
});
