// Settles finished requests: price them, append each ledger entry once, end their claims and leases. Requests
// that finish in the same event-loop turn share one pipelined round trip; settles Redis could not take are
// kept in a bounded queue and written when it is back.
import type { ChainableCommander } from 'ioredis';
import type { Logger } from '../../lib/logger.js';
import { TurnBatch } from '../../lib/turn-batch.js';
import type { AdmissionService } from '../admission/admission-service.js';
import type { AdmissionTicket, KeySettle } from '../admission/admission-types.js';
import type { PricingService } from '../pricing/pricing-service.js';
import type { RedisContext } from '../redis/record-store.js';
import { execWrites, StoreRetryQueue } from '../redis/retry-queue.js';
import { pipelineResult } from '../redis/scripts.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import type { BodyCapture, CapturedBodies } from '../request-log/body-capture.js';
import type { AccountLease, AccountScheduler } from '../scheduler/account-scheduler.js';
import { appendLedgerInto, type LedgerWrite } from './ledger-append.js';
import { encodeLedgerBatch, encodeLedgerEntry, LEDGER_TOPIC, type LedgerEntry } from './ledger-entry.js';
import { type Outcome, type TokenUsage, totalInputTokens } from './usage-types.js';

export interface SettleInput {
  requestId: string;
  /** The client's own request id, recorded for correlation. */
  clientRequestId?: string | undefined;
  /** What admission took for this request, given back with the real cost; absent for unadmitted calls. */
  ticket: AdmissionTicket | undefined;
  keyId: string;
  platform: string;
  model: string;
  upstreamModel: string;
  lease: AccountLease | undefined;
  usage: TokenUsage;
  outcome: Outcome;
  estimated: boolean;
  status: number;
  stream: boolean;
  /** Arrival time, ms since the epoch. */
  at: number;
  latencyMs: number;
  ttftMs: number | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  userId: string | undefined;
  clientFormat: string;
  upstreamFormat: string | undefined;
  clientKind: string | undefined;
  attempts: number;
  /** The request's bodies, when the request log captures them; written in the settle's round trip. */
  bodies?: CapturedBodies | undefined;
}

export interface SettleResult {
  entry: LedgerEntry;
  /** False when this request had been recorded before (nothing was written twice), or is still queued. */
  recorded: boolean;
  /** Redis could not take it: it waits in memory and is written once Redis answers again. */
  queued: boolean;
}

export interface UsageSettlerOptions {
  ledgerMaxEntries: number;
  /** Settles kept in memory while Redis is away; past this the oldest are dropped (and counted). */
  retryQueueMax?: number;
  /** How often a queue of failed settles is tried again while Redis is away. */
  retryIntervalMs?: number;
  /** Told of every entry as it is settled, before it is written (the relay's metrics). */
  onSettled?: (entry: LedgerEntry) => void;
  /** Where captured bodies go (with their own expiry); bodies are dropped without it. */
  bodyCapture?: BodyCapture;
}

/** How the settler stands: what waits for Redis, and what an outage cost. */
export interface SettlerStatus {
  queued: number;
  /** Settles dropped since start because the queue was full; their claims are estimated by the reconciler. */
  dropped: number;
}

interface Pending extends LedgerWrite {
  lease: AccountLease | undefined;
  bodies: CapturedBodies | undefined;
  ticket: AdmissionTicket | undefined;
  resolve: (result: SettleResult) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_RETRY_QUEUE_MAX = 100_000;

export class UsageSettler {
  /** Shutdown drains it, so no usage is lost after the last response. */
  private readonly batch = new TurnBatch<Pending>((items) => this.flush(items));
  private readonly retry: StoreRetryQueue<Pending>;

  constructor(
    private readonly context: RedisContext,
    private readonly pricing: PricingService,
    private readonly scheduler: AccountScheduler,
    private readonly admission: AdmissionService,
    private readonly options: UsageSettlerOptions,
    logger: Logger,
  ) {
    // Queued settles are written the moment Redis is back, before claims that were not renewed during the
    // outage could be taken for a dead instance's.
    this.retry = new StoreRetryQueue(
      context.redis,
      (batch) => this.write(batch),
      {
        name: 'settles',
        max: options.retryQueueMax ?? DEFAULT_RETRY_QUEUE_MAX,
        ...(options.retryIntervalMs === undefined ? {} : { intervalMs: options.retryIntervalMs }),
        // Their claims stop being renewed, so the reconciler records them as lost requests (estimated) instead.
        onDrop: (lost) => {
          for (const pending of lost) pending.ticket?.untrack();
        },
      },
      logger,
    );
  }

  settle(input: SettleInput): Promise<SettleResult> {
    const entry = this.price(input);
    this.options.onSettled?.(entry);
    return new Promise((resolve, reject) => {
      this.batch.add({
        entry,
        encoded: encodeLedgerEntry(entry),
        guarded: input.ticket !== undefined,
        lease: input.lease,
        ticket: input.ticket,
        bodies: input.bodies,
        resolve,
        reject,
      });
    });
  }

  /** Writes what is queued; settles Redis cannot take stay queued (shutdown reports what is left). */
  async drain(): Promise<void> {
    await this.batch.drain();
    if (this.retry.size > 0) await this.retry.flush();
  }

  status(): SettlerStatus {
    return { queued: this.retry.size, dropped: this.retry.dropped };
  }

  /** Stops retrying; what is still queued is lost with this process, and its claims are estimated later. */
  close(): void {
    this.retry.close();
  }

  private price(input: SettleInput): LedgerEntry {
    const priced = this.pricing.price(input.platform, input.upstreamModel, input.usage);
    return {
      requestId: input.requestId,
      at: input.at,
      keyId: input.keyId,
      accountId: input.lease?.accountId,
      platform: input.platform,
      model: input.model,
      upstreamModel: input.upstreamModel,
      usage: input.usage,
      costMicros: priced.costMicros,
      prices: priced.quote?.prices,
      priceVersion: priced.quote?.version,
      outcome: input.outcome,
      estimated: input.estimated,
      status: input.status,
      stream: input.stream,
      latencyMs: input.latencyMs,
      ttftMs: input.ttftMs,
      errorCode: input.errorCode,
      clientRequestId: input.clientRequestId,
      userId: input.userId,
      clientFormat: input.clientFormat,
      upstreamFormat: input.upstreamFormat,
      clientKind: input.clientKind,
      attempts: input.attempts,
      errorMessage: input.errorMessage,
    };
  }

  private async flush(batch: Pending[]): Promise<void> {
    if ((await this.write(batch)) === 'done') return;
    this.retry.push(batch);
    for (const pending of batch) pending.resolve({ entry: pending.entry, recorded: false, queued: true });
  }

  /**
   * One round trip for the batch. Resolves or rejects each item when Redis answered; returns 'unavailable'
   * (settling nothing) when Redis did not, which leaves the items to the caller. Settling twice is harmless:
   * a claim ends once and a pending listing is taken once, so a batch Redis did apply without answering
   * (a frozen server, a dropped reply) changes nothing when it is written again.
   */
  private async write(batch: Pending[]): Promise<'done' | 'unavailable'> {
    const pipeline = crossSlotPipeline(this.context.redis);
    appendLedgerInto(this.context, pipeline, batch, this.options.ledgerMaxEntries);
    this.releaseLeases(pipeline, batch);
    // The key's side (lease, claim → real cost, rate window) travels in the same round trip.
    const settles: KeySettle[] = [];
    for (const { ticket, entry } of batch) {
      if (ticket) settles.push({ ticket, costMicros: entry.costMicros, tokens: totalTokens(entry.usage) });
    }
    if (settles.length > 0) this.admission.settleInto(pipeline, settles);
    const capture = this.options.bodyCapture;
    if (capture) for (const { bodies } of batch) if (bodies) capture.writeInto(pipeline, bodies);
    // Live subscribers on every instance hear of the batch in the same round trip, as one message built from
    // the encodings already made for the stream. Last in the pipeline, so the results above keep their index.
    // A request id settled twice is announced twice: rare (a retried settle), and only live views see it.
    pipeline.publish(this.context.keys.channel(LEDGER_TOPIC), encodeLedgerBatch(batch.map((p) => p.encoded)));
    let results: Array<[Error | null, unknown]>;
    try {
      const written = await execWrites(pipeline);
      if (written === 'unavailable') return 'unavailable';
      results = written;
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return 'done';
    }
    for (const pending of batch) pending.ticket?.untrack();
    let ids: unknown[] = [];
    try {
      const appended = pipelineResult(results[0]);
      ids = Array.isArray(appended) ? appended : [];
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return 'done';
    }
    batch.forEach((pending, index) => {
      const id = ids[index];
      pending.resolve({ entry: pending.entry, recorded: id !== 0 && id !== undefined, queued: false });
    });
    return 'done';
  }

  /** One ZREM per lease key for the whole batch. */
  private releaseLeases(pipeline: ChainableCommander, batch: Pending[]): void {
    const byKey = new Map<string, AccountLease[]>();
    for (const { lease } of batch) {
      if (!lease) continue;
      const group = byKey.get(lease.key);
      if (group) group.push(lease);
      else byKey.set(lease.key, [lease]);
    }
    for (const leases of byKey.values()) this.scheduler.releaseInto(pipeline, leases);
  }
}

function totalTokens(usage: TokenUsage): number {
  return totalInputTokens(usage) + usage.output;
}
