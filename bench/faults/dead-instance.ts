// Item 5, replayed with the default settings: an instance with streams in flight is SIGKILLed; how long until
// its claims are free, and whether each of its requests is in the ledger.
import { setMaxListeners } from 'node:events';
import type { Services } from '../../src/services/container.js';
import { booksOf, type FaultContext, send } from './context.js';

export interface DeadInstanceFigures {
  streams: number;
  /** From the kill until no claim, key lease or account lease of those requests is left. */
  freedAfterMs: number;
  lostEntries: number;
  estimated: boolean;
  chargedMicros: number;
  costMicros: number;
}

export async function runDeadInstance(
  ctx: FaultContext,
  options: { streams: number },
): Promise<DeadInstanceFigures> {
  const limited = await ctx.services.apiKeys.create({
    name: 'fault run: killed instance, limited key',
    limits: { concurrency: 100, dailyCostMicros: 1_000_000_000 },
  });
  const unlimited = await ctx.services.apiKeys.create({ name: 'fault run: killed instance, plain key' });
  const victim = await ctx.startInstance();
  ctx.fake.reset();
  ctx.fake.setDefault({ stallAfterEvents: 3 });
  const controller = new AbortController();
  setMaxListeners(options.streams + 10, controller.signal);
  const keys = [limited, unlimited];
  const streams = Array.from({ length: options.streams }, (_, index) =>
    send(victim.url, keys[index % 2]?.plaintext ?? '', { stream: true, signal: controller.signal }),
  );
  await ctx.fake.waitForRequests(options.streams);
  ctx.fake.setDefault({});
  const killedAt = Date.now();
  await victim.kill();
  controller.abort();
  await Promise.all(streams);
  const freedAfterMs = await timeUntilFree(
    ctx.services,
    ctx.accountId,
    [limited.key.id, unlimited.key.id],
    killedAt,
  );
  const entries = (await ctx.services.requestLog.recent(10_000)).filter(
    (entry) => entry.keyId === limited.key.id || entry.keyId === unlimited.key.id,
  );
  const books = await booksOf(ctx, limited.key.id);
  return {
    streams: options.streams,
    freedAfterMs,
    lostEntries: entries.filter((entry) => entry.outcome === 'instance_lost').length,
    estimated: entries.every((entry) => entry.estimated),
    chargedMicros: books.chargedMicros,
    costMicros: books.costMicros,
  };
}

async function timeUntilFree(services: Services, accountId: string, keyIds: string[], since: number) {
  const { redis, keys } = services.context;
  for (;;) {
    let held = await redis.zcard(keys.poolLeases('claude', accountId));
    for (const keyId of keyIds) {
      held += (await redis.hlen(keys.keyClaims(keyId))) + (await redis.zcard(keys.keyLeases(keyId)));
    }
    if (held === 0) return Date.now() - since;
    if (Date.now() - since > 120_000) return Number.NaN;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
