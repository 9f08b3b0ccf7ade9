// Item 4, replayed: steady traffic while Redis is stopped for a while (or frozen), with streams in flight
// across the outage: every answer during it must be a fast 503, none after it an error, and the books exact.
import { countBy, type FaultContext, percentile, send, served, settledBooks } from './context.js';

export interface OutageFigures {
  kind: 'stop' | 'freeze';
  outageSeconds: number;
  /** Sent before Redis went, including those still in flight when it did. */
  before: { requests: number; statuses: Record<string, number> };
  during: { requests: number; statuses: Record<string, number>; msP50: number; msMax: number };
  /** From Redis being back until the first success. */
  recoveryMs: number;
  /** Answers after that first success. */
  after: { requests: number; statuses: Record<string, number> };
  streamsAcross: { started: number; completed: number };
  servedByUpstream: number;
  ledgerEntries: number;
  distinctRequestIds: number;
  costMicros: number;
  chargedMicros: number;
  claimsLeft: number;
}

interface Timed {
  status: number;
  startedAt: number;
  endedAt: number;
  ms: number;
}

export async function runOutage(
  ctx: FaultContext,
  options: { kind: 'stop' | 'freeze'; outageSeconds: number; clients: number },
): Promise<OutageFigures> {
  const { key, plaintext } = await ctx.services.apiKeys.create({
    name: `fault run: redis ${options.kind}`,
    limits: { dailyCostMicros: 1_000_000_000, concurrency: 1000 },
  });
  ctx.fake.reset();
  // Streams that answer for ~4 s: started just before the outage, they end in the middle of it.
  const streams = 6;
  for (let index = 0; index < streams; index += 1) ctx.fake.enqueue({ eventDelayMs: 200, chunks: 18 });
  const streaming = Array.from({ length: streams }, () => send(ctx.relay.url, plaintext, { stream: true }));

  const answers: Timed[] = [];
  let running = true;
  const client = async () => {
    while (running) {
      const answer = await send(ctx.relay.url, plaintext);
      answers.push({ ...answer, endedAt: answer.startedAt + answer.ms });
      // A client that has been refused waits a little, as SDKs do, instead of spinning on 503s.
      if (answer.status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const clients = Array.from({ length: options.clients }, client);
  await new Promise((resolve) => setTimeout(resolve, 3000));

  if (options.kind === 'stop') await ctx.redis.stop();
  else ctx.redis.freeze();
  // From the moment Redis is gone (a stop takes a moment to flush): requests sent from here are answered
  // without it.
  const downAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, options.outageSeconds * 1000));
  if (options.kind === 'stop') await ctx.redis.start();
  else ctx.redis.thaw();
  const upAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 8000));
  running = false;
  await Promise.all(clients);
  const streamed = await Promise.all(streaming);
  await ctx.fake.waitForIdle();
  const books = await settledBooks(ctx, key.id);

  const before = answers.filter((answer) => answer.startedAt < downAt);
  const during = answers.filter((answer) => answer.startedAt >= downAt && answer.startedAt < upAt);
  const later = answers
    .filter((answer) => answer.startedAt >= upAt)
    .sort((a, b) => a.startedAt - b.startedAt);
  const firstSuccess = later.find((answer) => answer.status === 200);
  const after = firstSuccess ? later.filter((answer) => answer.startedAt >= firstSuccess.startedAt) : [];
  return {
    kind: options.kind,
    outageSeconds: options.outageSeconds,
    before: { requests: before.length, statuses: countBy(before, (answer) => answer.status) },
    during: {
      requests: during.length,
      statuses: countBy(during, (answer) => answer.status),
      msP50: Math.round(
        percentile(
          during.map((answer) => answer.ms),
          0.5,
        ),
      ),
      msMax: Math.round(Math.max(0, ...during.map((answer) => answer.ms))),
    },
    recoveryMs: firstSuccess ? Math.round(firstSuccess.endedAt - upAt) : Number.NaN,
    after: { requests: after.length, statuses: countBy(after, (answer) => answer.status) },
    streamsAcross: { started: streams, completed: streamed.filter((answer) => answer.status === 200).length },
    servedByUpstream: served(ctx),
    ledgerEntries: books.ledgerEntries,
    distinctRequestIds: books.distinct,
    costMicros: books.costMicros,
    chargedMicros: books.chargedMicros,
    claimsLeft: books.claimsLeft + books.leasesLeft + books.reservedLeft,
  };
}
