// Reads back the relay's ledger (the usage entries it wrote) after a bench run: did every request get exactly one?
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Keys } from '../src/services/redis/keys.js';
import { decodeLedgerEntry } from '../src/services/usage/ledger-entry.js';

const PAGE = 1000;

/** The id of the newest ledger entry, or `0-0`: entries of a run are the ones after it. */
export async function ledgerMark(redis: Redis, keys: Keys): Promise<string> {
  const [newest] = await redis.xrevrange(keys.ledgerStream(), '+', '-', 'COUNT', 1);
  return newest?.[0] ?? '0-0';
}

/**
 * Waits until no admitted request is still waiting for its entry (the relay settles in batches, after the
 * response has ended); false when some are still pending at the deadline.
 */
export async function waitForSettles(redis: Redis, keys: Keys, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await redis.zcard(keys.ledgerPending())) === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(200);
  }
}

export interface LedgerTally {
  /** Entries of this run's requests (their x-request-id starts with the run id). */
  entries: number;
  /** Requests with an entry, each counted once. */
  requests: number;
  /** Entries beyond the first for the same request: usage counted twice. */
  duplicates: number;
  /** Entries by outcome (`ok`, `client_aborted`…). */
  outcomes: Record<string, number>;
  /** Entries whose tokens are partly estimated (the stream ended before its final usage). */
  estimated: number;
  /** Output tokens over all entries. */
  outputTokens: number;
  /** Requests still waiting for their entry when the tally was taken. */
  pending: number;
}

/** Tallies the entries written after `mark` whose client request id starts with `runId`. */
export async function tallyLedger(
  redis: Redis,
  keys: Keys,
  mark: string,
  runId: string,
): Promise<LedgerTally> {
  const tally: LedgerTally = {
    entries: 0,
    requests: 0,
    duplicates: 0,
    outcomes: {},
    estimated: 0,
    outputTokens: 0,
    pending: await redis.zcard(keys.ledgerPending()),
  };
  const seen = new Set<string>();
  let from = `(${mark}`;
  for (;;) {
    const page = await redis.xrange(keys.ledgerStream(), from, '+', 'COUNT', PAGE);
    for (const [id, fields] of page) {
      const entry = decodeLedgerEntry(id, fields);
      if (!entry.clientRequestId?.startsWith(`${runId}-`)) continue;
      tally.entries += 1;
      if (seen.has(entry.clientRequestId)) tally.duplicates += 1;
      seen.add(entry.clientRequestId);
      tally.outcomes[entry.outcome] = (tally.outcomes[entry.outcome] ?? 0) + 1;
      if (entry.estimated) tally.estimated += 1;
      tally.outputTokens += entry.usage.output;
    }
    const last = page[page.length - 1];
    if (last === undefined || page.length < PAGE) break;
    from = `(${last[0]}`;
  }
  tally.requests = seen.size;
  return tally;
}
