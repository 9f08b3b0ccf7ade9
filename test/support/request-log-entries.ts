// Varied ledger entries for request-log tests and benches, appended to the ledger stream the way settles do.
import type { RedisClient } from '../../src/services/redis/connection.js';
import { createKeys } from '../../src/services/redis/keys.js';
import type { RedisContext } from '../../src/services/redis/record-store.js';
import { ScriptRunner } from '../../src/services/redis/scripts.js';
import { appendLedgerInto } from '../../src/services/usage/ledger-append.js';
import {
  decodeLedgerEntry,
  encodeLedgerEntry,
  LEDGER_FIELD,
  type LedgerEntry,
  type StoredLedgerEntry,
} from '../../src/services/usage/ledger-entry.js';
import { OUTCOMES, type Outcome } from '../../src/services/usage/usage-types.js';

export function redisContext(redis: RedisClient, prefix: string): RedisContext {
  return { redis, keys: createKeys(prefix), scripts: new ScriptRunner(redis) };
}

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, values: readonly T[]): T {
  return values[Math.floor(next() * values.length)] as T;
}

/** Outcomes skewed as in production: mostly `ok`. */
const OUTCOME_WEIGHTS: ReadonlyArray<[Outcome, number]> = [
  ['ok', 0.85],
  ['upstream_error', 0.06],
  ['client_aborted', 0.04],
  ['failed_over', 0.04],
  ['instance_lost', 0.01],
];

function outcomeOf(next: () => number): Outcome {
  let roll = next();
  for (const [outcome, weight] of OUTCOME_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return outcome;
  }
  return OUTCOMES[0];
}

/** Messages with case, LIKE's wildcards, a backslash, non-ASCII letters: the text filter takes them as is. */
export const ERROR_MESSAGES = [
  'Upstream said: Rate limit reached for requests',
  'Overloaded: the server is OVERLOADED, try later',
  'invalid_request_error: max_tokens too large (100% of budget)',
  'Connection reset by peer at C:\\proxy\\relay',
  'Dienst ÜBERLASTET: Anfrage abgelehnt',
  'İstanbul region unavailable',
  'stream ended early_without usage',
];

/**
 * The first entries' request ids: requests, their attempts (`<id>~<n>`) and look-alikes that a LIKE pattern
 * with unescaped `_` or `%`, or a prefix without the `~`, would wrongly take for attempts.
 */
export const REQUEST_IDS = [
  'req_a_c',
  'req_a_c~1',
  'req_abc~1',
  'req_a%c',
  'req_aXc~2',
  'req_a%c~1',
  'req_1',
  'req_1~1',
  'req_1x~1',
  'req_10~1',
];

export interface EntryOptions {
  seed?: number;
  /** Arrival of the first entry, ms; later entries arrive a little after each other. */
  start?: number;
  keys?: number;
}

/** `count` entries spread over keys, users, accounts, outcomes, statuses, models, messages, latencies. */
export function variedEntries(count: number, options: EntryOptions = {}): LedgerEntry[] {
  const next = random(options.seed ?? 1);
  const keyCount = options.keys ?? 6;
  const start = options.start ?? Date.now() - 60_000;
  const entries: LedgerEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    const outcome = outcomeOf(next);
    const failed = outcome !== 'ok';
    const model = pick(next, ['claude-haiku-4-5', 'claude-sonnet-4-5', 'gpt-5', 'gemini-2.5-pro']);
    const priced = next() < 0.9;
    const attempt =
      REQUEST_IDS[index] ??
      (outcome === 'failed_over' ? `req_${index}~${1 + Math.floor(next() * 2)}` : `req_${index}`);
    const input = Math.floor(next() * 20_000);
    entries.push({
      requestId: attempt,
      at: start + index * 7 + Math.floor(next() * 5),
      keyId: `key_${Math.floor(next() * keyCount)}`,
      accountId: next() < 0.9 ? `acc_${Math.floor(next() * 5)}` : undefined,
      platform: model.startsWith('claude') ? 'claude' : model.startsWith('gpt') ? 'openai' : 'gemini',
      model,
      upstreamModel: next() < 0.2 ? `${model}-20250101` : model,
      usage: {
        input,
        output: Math.floor(next() * 4000),
        cacheRead: next() < 0.5 ? Math.floor(next() * 50_000) : 0,
        cacheWrite5m: next() < 0.2 ? Math.floor(next() * 5000) : 0,
        cacheWrite1h: next() < 0.05 ? Math.floor(next() * 5000) : 0,
        ...(next() < 0.3 ? { reasoning: Math.floor(next() * 1000) } : {}),
      },
      costMicros: priced ? Math.floor(next() * 200_000) : 0,
      prices: priced
        ? { input: 3, output: 15, cacheRead: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6 + next() / 7 }
        : undefined,
      priceVersion: priced ? 'genai-prices@0.1.8:test' : undefined,
      outcome,
      estimated: next() < 0.05,
      status: failed ? pick(next, [400, 429, 500, 529, 499]) : 200,
      stream: next() < 0.6,
      latencyMs: Math.floor(next() * 30_000),
      ttftMs: next() < 0.7 ? Math.floor(next() * 3000) : undefined,
      errorCode: failed ? pick(next, ['rate_limited', 'upstream_error', 'overloaded']) : undefined,
      clientRequestId: next() < 0.2 ? `client-${Math.floor(next() * 50)}` : undefined,
      userId: next() < 0.8 ? `user_${Math.floor(next() * 3)}` : undefined,
      clientFormat: pick(next, ['anthropic', 'openai-chat', 'openai-responses', 'gemini']),
      upstreamFormat: next() < 0.9 ? pick(next, ['anthropic', 'openai-chat']) : undefined,
      clientKind: next() < 0.5 ? pick(next, ['claude-code', 'codex']) : undefined,
      attempts: outcome === 'failed_over' ? 1 : 1 + Math.floor(next() * next() * 3),
      errorMessage: failed ? pick(next, ERROR_MESSAGES) : undefined,
    });
  }
  return entries;
}

/**
 * Appends through the settles' own script (ledger-append-batch), in pipelines of `chunk`; returns the ids.
 */
export async function appendEntries(
  context: RedisContext,
  entries: readonly LedgerEntry[],
  chunk = 500,
): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; offset < entries.length; offset += chunk) {
    const pipeline = context.redis.pipeline();
    const writes = entries
      .slice(offset, offset + chunk)
      .map((entry) => ({ entry, encoded: encodeLedgerEntry(entry), guarded: false }));
    appendLedgerInto(context, pipeline, writes, 10_000_000);
    const results = (await pipeline.exec()) ?? [];
    for (const [error, result] of results) {
      if (error) throw error;
      ids.push(...(result as string[]));
    }
  }
  return ids;
}

/** Appends with chosen stream ids (`<ms>-<seq>`, ascending), to place entries on chosen days. */
export async function appendEntriesAt(
  context: RedisContext,
  entries: ReadonlyArray<{ id: string; entry: LedgerEntry }>,
): Promise<void> {
  const pipeline = context.redis.pipeline();
  for (const { id, entry } of entries) {
    pipeline.xadd(context.keys.ledgerStream(), id, LEDGER_FIELD, encodeLedgerEntry(entry));
  }
  await pipeline.exec();
}

/**
 * The ledger as the Redis side reads it, oldest first (in reads of 5000: a large stream at once times out).
 */
export async function readLedger(context: RedisContext): Promise<StoredLedgerEntry[]> {
  const entries: StoredLedgerEntry[] = [];
  let start = '-';
  for (;;) {
    const raw = await context.redis.xrange(context.keys.ledgerStream(), start, '+', 'COUNT', 5000);
    for (const [id, fields] of raw) entries.push(decodeLedgerEntry(id, fields));
    const last = raw[raw.length - 1];
    if (!last || raw.length < 5000) return entries;
    start = `(${last[0]}`;
  }
}
