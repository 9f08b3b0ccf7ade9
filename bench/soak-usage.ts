// What the relay recorded in Redis: entries added to the usage ledger, and the usage rollups' count by outcome.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { createKeys } from '../src/services/redis/keys.js';
import { periodOf } from '../src/services/usage/periods.js';
import { GLOBAL_ENTITY } from '../src/services/usage/rollup-batch.js';
import { waitForSettles } from './ledger-count.js';

export interface UsageSnapshot {
  /**
   * Entries ever appended to the ledger stream (XINFO STREAM `entries-added`, Redis 7+): the stream is capped,
   * so its length stops counting at the cap, but this never goes down. Undefined on an older Redis.
   */
  entriesAdded: number | undefined;
  /** Ledger entries by outcome (`ok`, `client_aborted`…), from the global monthly rollups of `months`. */
  outcomes: Record<string, number>;
}

export interface UsageReader {
  /** Waits until every admitted request has its ledger entry and the rollups have taken all of them. */
  settled(timeoutMs: number): Promise<void>;
  read(): Promise<UsageSnapshot>;
}

/** `months`: every month (`YYYY-MM`) the soak's requests can fall in, read alike before and after. */
export function usageReader(redis: Redis, keyPrefix: string, months: readonly string[]): UsageReader {
  const keys = createKeys(keyPrefix);
  const streamInfo = async () => {
    if ((await redis.exists(keys.ledgerStream())) === 0) return { entriesAdded: 0, lastId: '0-0' };
    const flat = (await redis.xinfo('STREAM', keys.ledgerStream())) as unknown[];
    const field = (name: string) => flat[flat.indexOf(name) + 1];
    const added = field('entries-added');
    return {
      entriesAdded: flat.includes('entries-added') ? Number(added) : undefined,
      lastId: String(field('last-generated-id')),
    };
  };
  return {
    async settled(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      if (!(await waitForSettles(redis, keys, timeoutMs))) {
        const pending = await redis.zcard(keys.ledgerPending());
        throw new Error(
          `the relay did not settle within ${timeoutMs / 1000} s: ${pending} admitted requests without a ledger entry`,
        );
      }
      // Every entry is in the ledger now; the rollups catch up with its last one.
      for (;;) {
        const [info, cursor] = await Promise.all([streamInfo(), redis.get(keys.usageCursor())]);
        if ((cursor ?? '0-0') === info.lastId) return;
        if (Date.now() > deadline)
          throw new Error(`the rollups did not catch up: at ${cursor ?? 'nothing'} of ledger ${info.lastId}`);
        await sleep(250);
      }
    },
    async read() {
      const outcomes: Record<string, number> = {};
      for (const month of months) {
        const fields = await redis.hgetall(keys.usageRollup('global', GLOBAL_ENTITY, 'month', month));
        for (const [field, value] of Object.entries(fields)) {
          if (field.startsWith('o:'))
            outcomes[field.slice(2)] = (outcomes[field.slice(2)] ?? 0) + Number(value);
        }
      }
      return { entriesAdded: (await streamInfo()).entriesAdded, outcomes };
    },
  };
}

/** The months a run from `startMs` lasting `seconds` (plus a margin for settling) can touch. */
export function monthsOf(startMs: number, seconds: number): string[] {
  return [...new Set([periodOf('month', startMs), periodOf('month', startMs + (seconds + 600) * 1000)])];
}

/** `after − before`, field by field. */
export function usageDelta(before: UsageSnapshot, after: UsageSnapshot): UsageSnapshot {
  const outcomes: Record<string, number> = {};
  for (const [outcome, count] of Object.entries(after.outcomes))
    outcomes[outcome] = count - (before.outcomes[outcome] ?? 0);
  return {
    entriesAdded:
      after.entriesAdded === undefined || before.entriesAdded === undefined
        ? undefined
        : after.entriesAdded - before.entriesAdded,
    outcomes,
  };
}
