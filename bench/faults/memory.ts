// Item 15, measured: Redis memory while a million requests go through, against a ledger capped well below
// that. Before the fix every request left two marker keys behind for 48 hours; now the only per-request state
// is the ledger entry, which the cap bounds.
import autocannon from 'autocannon';
import type { FaultContext } from './context.js';
import { MESSAGE } from './context.js';

export interface MemorySample {
  requests: number;
  usedMemoryMb: number;
  keys: number;
  ledgerEntries: number;
}

export interface MemoryFigures {
  requests: number;
  ledgerCap: number;
  reqPerSec: number;
  non2xx: number;
  samples: MemorySample[];
  /** Growth per request once the ledger is full (from the sample at twice the cap to the last). */
  bytesPerRequestAfterCap: number;
  /** What one ledger entry costs: the growth while the ledger filled, per entry added. */
  bytesPerLedgerEntry: number;
}

async function sample(ctx: FaultContext, requests: number): Promise<MemorySample> {
  const { redis, keys } = ctx.services.context;
  const info = await redis.info('memory');
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  return {
    requests,
    usedMemoryMb: Math.round((used / 1024 / 1024) * 10) / 10,
    keys: await redis.dbsize(),
    ledgerEntries: await redis.xlen(keys.ledgerStream()),
  };
}

export async function runMemory(
  ctx: FaultContext,
  options: { requests: number; ledgerCap: number; upstreamUrl: string },
): Promise<MemoryFigures> {
  // A fake upstream in its own process, so the load is not limited by this one; the run's own account is
  // taken out of rotation meanwhile.
  await ctx.services.accounts.setSchedulable(ctx.accountId, false);
  const account = await ctx.services.accounts.create({
    type: 'claude-console',
    name: 'fault run: memory',
    baseUrl: options.upstreamUrl,
    credentials: { apiKey: 'fault-run-upstream-key' },
  });
  const { plaintext } = await ctx.services.apiKeys.create({
    name: 'fault run: a million requests',
    limits: { concurrency: 10_000, dailyCostMicros: 1_000_000_000_000 },
  });
  const samples: MemorySample[] = [await sample(ctx, 0)];
  const every = Math.max(1, Math.floor(options.requests / 10));
  let done = 0;
  let sampling = Promise.resolve();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${ctx.relay.url}/v1/messages`,
        method: 'POST',
        connections: 32,
        amount: options.requests,
        timeout: 10,
        body: JSON.stringify(MESSAGE),
        headers: { 'content-type': 'application/json', 'x-api-key': plaintext },
      },
      (error: unknown, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', () => {
      done += 1;
      if (done % every === 0) {
        const at = done;
        sampling = sampling.then(async () => {
          samples.push(await sample(ctx, at));
        });
      }
    });
  });
  await sampling;
  await ctx.services.accounts.setSchedulable(account.id, false);
  await ctx.services.accounts.setSchedulable(ctx.accountId, true);
  const full = samples.find((entry) => entry.requests >= 2 * options.ledgerCap) ?? samples[0];
  const last = samples.at(-1) ?? full;
  const first = samples[0];
  const atCap = samples.find((entry) => entry.requests >= options.ledgerCap) ?? last;
  const bytes = (from: MemorySample, to: MemorySample) => (to.usedMemoryMb - from.usedMemoryMb) * 1024 * 1024;
  const growth = (from: MemorySample | undefined, to: MemorySample | undefined) =>
    from && to && to.requests > from.requests
      ? Math.round(bytes(from, to) / (to.requests - from.requests))
      : Number.NaN;
  const perEntry =
    first && atCap && atCap.ledgerEntries > first.ledgerEntries
      ? Math.round(bytes(first, atCap) / (atCap.ledgerEntries - first.ledgerEntries))
      : Number.NaN;
  return {
    requests: options.requests,
    ledgerCap: options.ledgerCap,
    reqPerSec: Math.round(result.requests.average),
    non2xx: result.non2xx,
    samples,
    bytesPerRequestAfterCap: growth(full, last),
    bytesPerLedgerEntry: perEntry,
  };
}
