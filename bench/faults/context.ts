// What every fault of the fault run shares: the Redis it stops and freezes, the fake upstream that counts what
// it served, a services handle on the same Redis (to provision keys and read the books), and the relays.
import { Agent, request } from 'undici';
import type { ServiceOptions, Services } from '../../src/services/container.js';
import type { FakeUpstream } from '../../test/support/fake-upstream/index.js';
import type { RedisProcess } from '../../test/support/redis-process.js';
import type { RelayProcess } from '../processes.js';

export interface FaultContext {
  redis: RedisProcess;
  fake: FakeUpstream;
  services: Services;
  /** The instance that stays up (the reconciler's leader), with default settings but for its ledger cap. */
  relay: RelayProcess;
  /** The account on the fake upstream. */
  accountId: string;
  /** Starts another relay instance on the same Redis, on the run's prefix and settings unless overridden. */
  startInstance(settings?: InstanceSettings): Promise<RelayProcess>;
  /** Another services handle on the same Redis: the run's options but for `overrides` (a prefix, an archive). */
  openServices(overrides: Partial<ServiceOptions>): Promise<ServicesHandle>;
  /** Runs `cleanup` at the end of the run, after what was opened later is closed, even when the run fails. */
  defer(cleanup: () => Promise<void>): void;
  log(line: string): void;
}

export interface InstanceSettings {
  /** Another REDIS_KEY_PREFIX: an instance group of its own, with a ledger of its own. */
  keyPrefix?: string;
  /** More relay settings on top of the run's. */
  env?: Record<string, string>;
}

export interface ServicesHandle {
  services: Services;
  /** Stops it; later calls (the run's own cleanup) do nothing. */
  close(): Promise<void>;
}

/** One keep-alive pool for the run's clients, so sockets are reused like an SDK's. */
export const clientAgent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });

export const MESSAGE = {
  model: 'claude-haiku-4-5',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hi' }],
};

export interface Answer {
  status: number;
  startedAt: number;
  ms: number;
  /** The relay's x-request-id. */
  requestId: string;
}

/** One request to the relay, its body read to the end (or the request aborted by `signal`). */
export async function send(
  url: string,
  key: string,
  options: { stream?: boolean; headers?: Record<string, string>; signal?: AbortSignal; body?: unknown } = {},
): Promise<Answer> {
  const startedAt = performance.now();
  try {
    const response = await request(`${url}/v1/messages`, {
      method: 'POST',
      dispatcher: clientAgent,
      headers: { 'content-type': 'application/json', 'x-api-key': key, ...options.headers },
      body: JSON.stringify({ ...(options.body ?? MESSAGE), ...(options.stream ? { stream: true } : {}) }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const requestId = String(response.headers['x-request-id'] ?? '');
    await response.body.text();
    return { status: response.statusCode, startedAt, ms: performance.now() - startedAt, requestId };
  } catch {
    // Aborted by us, or a connection error: status 0.
    return { status: 0, startedAt, ms: performance.now() - startedAt, requestId: '' };
  }
}

export interface Books {
  ledgerEntries: number;
  /** Distinct request ids among them. */
  distinct: number;
  costMicros: number;
  /** What the key's daily spend counter holds. */
  chargedMicros: number;
  claimsLeft: number;
  leasesLeft: number;
  reservedLeft: number;
}

/** A key's ledger entries, spend and whatever of its requests is still held in Redis. */
export async function booksOf(ctx: FaultContext, keyId: string): Promise<Books> {
  const { redis, keys } = ctx.services.context;
  const entries = (await ctx.services.requestLog.recent(50_000)).filter((entry) => entry.keyId === keyId);
  const day = new Date().toISOString().slice(0, 10);
  const prefix = keys.apiKeySlotPrefix(keyId);
  return {
    ledgerEntries: entries.length,
    distinct: new Set(entries.map((entry) => entry.requestId)).size,
    costMicros: entries.reduce((sum, entry) => sum + entry.costMicros, 0),
    chargedMicros: Number((await redis.get(`${prefix}spend:day:${day}`)) ?? 0),
    claimsLeft: await redis.hlen(keys.keyClaims(keyId)),
    leasesLeft: await redis.zcard(keys.keyLeases(keyId)),
    reservedLeft: Object.keys(await redis.hgetall(`${prefix}reserved`)).length,
  };
}

/**
 * The key's books once they stop moving: no claim left (every request settled or reconciled) and the same
 * figures twice in a row, since a settle writes its ledger entry and its charge in one round trip that a
 * reader can see half of. Gives up after `timeoutMs` with what it last read.
 */
export async function settledBooks(ctx: FaultContext, keyId: string, timeoutMs = 30_000): Promise<Books> {
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  for (;;) {
    const books = await booksOf(ctx, keyId);
    const still = JSON.stringify(books) === previous;
    if ((still && books.claimsLeft === 0 && books.leasesLeft === 0) || Date.now() > deadline) return books;
    previous = JSON.stringify(books);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Requests the fake upstream answered (fully or until the relay hung up) since it was last reset. */
export function served(ctx: FaultContext): number {
  return ctx.fake.requests.filter((recorded) => recorded.path === '/v1/messages').length;
}

export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string | number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = String(key(item));
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
