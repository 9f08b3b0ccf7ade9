// Item 1 of the hardening issue, replayed: many requests (streams, half of them cut by the client) that all
// carry one x-request-id, and concurrent streams sharing an id against a concurrency limit.
import { countBy, type FaultContext, send, served, settledBooks } from './context.js';

export interface RequestIdFigures {
  requests: number;
  statuses: Record<string, number>;
  clientAborts: number;
  servedByUpstream: number;
  /** Ledger entries of requests their client left before they reached the upstream (cost 0). */
  abortedBeforeUpstream: number;
  ledgerEntries: number;
  distinctRequestIds: number;
  costMicros: number;
  chargedMicros: number;
  claimsLeft: number;
  concurrency: { limit: number; streams: number; served: number; refused: number; claimsLeft: number };
}

export async function runRequestIds(
  ctx: FaultContext,
  options: { requests: number; concurrency: number },
): Promise<RequestIdFigures> {
  const { key, plaintext } = await ctx.services.apiKeys.create({
    name: 'fault run: one client request id',
    limits: { dailyCostMicros: 1_000_000_000 },
  });
  ctx.fake.reset();
  // Streams long enough (~100 ms) for a client to leave in the middle of one.
  ctx.fake.setDefault({ eventDelayMs: 20, chunks: 5 });
  const headers = { 'x-request-id': 'fault-run-same-id' };
  const answers: Array<{ status: number }> = [];
  let clientAborts = 0;
  let next = 0;
  const worker = async () => {
    while (next < options.requests) {
      next += 1;
      const stream = Math.random() < 0.5;
      const controller = new AbortController();
      if (stream && Math.random() < 0.5) {
        clientAborts += 1;
        setTimeout(() => controller.abort(), Math.random() * 120).unref();
      }
      answers.push(await send(ctx.relay.url, plaintext, { stream, headers, signal: controller.signal }));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  ctx.fake.setDefault({});
  await ctx.fake.waitForIdle();
  const books = await settledBooks(ctx, key.id);
  // A client that left before its request reached the upstream still has its (empty) entry.
  const entries = (await ctx.services.requestLog.recent(50_000)).filter((entry) => entry.keyId === key.id);
  const beforeUpstream = entries.filter(
    (entry) => entry.outcome === 'client_aborted' && !entry.estimated && entry.usage.input === 0,
  ).length;
  return {
    requests: options.requests,
    statuses: countBy(answers, (answer) => answer.status),
    clientAborts,
    servedByUpstream: served(ctx),
    abortedBeforeUpstream: beforeUpstream,
    ledgerEntries: books.ledgerEntries,
    distinctRequestIds: books.distinct,
    costMicros: books.costMicros,
    chargedMicros: books.chargedMicros,
    claimsLeft: books.claimsLeft + books.leasesLeft + books.reservedLeft,
    concurrency: await concurrencyWithOneId(ctx),
  };
}

/** Ten streams that stall, all with the same id, on a key allowed two at a time. */
async function concurrencyWithOneId(ctx: FaultContext): Promise<RequestIdFigures['concurrency']> {
  const limit = 2;
  const streams = 10;
  const { key, plaintext } = await ctx.services.apiKeys.create({
    name: 'fault run: concurrency with one id',
    limits: { concurrency: limit },
  });
  ctx.fake.setDefault({ stallAfterEvents: 3 });
  const controllers = Array.from({ length: streams }, () => new AbortController());
  const pending = controllers.map((controller) =>
    send(ctx.relay.url, plaintext, {
      stream: true,
      headers: { 'x-request-id': 'fault-run-shared-stream' },
      signal: controller.signal,
    }),
  );
  // The refused answer at once; the admitted ones stall until they are cut below.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  for (const controller of controllers) controller.abort();
  const answers = await Promise.all(pending);
  ctx.fake.setDefault({});
  const books = await settledBooks(ctx, key.id);
  return {
    limit,
    streams,
    // An admitted stream was cut by its client (status 0); a refused one got its 429.
    served: answers.filter((answer) => answer.status !== 429).length,
    refused: answers.filter((answer) => answer.status === 429).length,
    claimsLeft: books.claimsLeft + books.leasesLeft + books.reservedLeft,
  };
}
