// Settles finished requests: price them, append each ledger entry once, release their leases. Requests that
// finish in the same event-loop turn share one pipelined round trip.
import type { ChainableCommander } from 'ioredis';
import type { Logger } from '../../lib/logger.js';
import type { RedisContext } from '../redis/record-store.js';
import { pipelineResult } from '../redis/scripts.js';
import type { AccountLease, AccountScheduler } from '../scheduler/account-scheduler.js';
import { encodeLedgerEntry, LEDGER_FIELD, type LedgerEntry } from './ledger-entry.js';
import type { PricingService } from './pricing-service.js';
import type { Outcome, TokenUsage } from './usage-types.js';

export interface SettleInput {
  requestId: string;
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
}

export interface SettleResult {
  entry: LedgerEntry;
  /** False when this request id had already been settled; nothing was written twice. */
  recorded: boolean;
}

export interface UsageSettlerOptions {
  ledgerMaxEntries: number;
  /** How long a settled request id is remembered for idempotency. */
  settledMarkerSeconds?: number;
}

interface Pending {
  entry: LedgerEntry;
  encoded: string;
  lease: AccountLease | undefined;
  resolve: (result: SettleResult) => void;
  reject: (error: unknown) => void;
}

export class UsageSettler {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Flushes still writing; shutdown waits for them so no usage is lost after the last response. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly context: RedisContext,
    private readonly pricing: PricingService,
    private readonly scheduler: AccountScheduler,
    private readonly options: UsageSettlerOptions,
    private readonly logger: Logger,
  ) {}

  settle(input: SettleInput): Promise<SettleResult> {
    const entry = this.price(input);
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, encoded: encodeLedgerEntry(entry), lease: input.lease, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // One turn of the event loop collects every request finishing now: under load dozens share a flush.
        setImmediate(() => this.track(this.flush()));
      }
    });
  }

  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      // Flush now rather than wait for the scheduled turn: awaiting nothing would spin without yielding.
      if (this.queue.length > 0) this.track(this.flush());
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private track(flushing: Promise<void>): void {
    this.inFlight.add(flushing);
    void flushing.finally(() => this.inFlight.delete(flushing));
  }

  private price(input: SettleInput): LedgerEntry {
    const priced = this.pricing.price(input.platform, input.upstreamModel, input.usage);
    if (!priced.quote) {
      this.logger.warn(
        { requestId: input.requestId, model: input.upstreamModel },
        'no price known for model',
      );
    }
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
    };
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const { keys, scripts, redis } = this.context;
    const pipeline = redis.pipeline();
    const pairs: string[] = [];
    for (const pending of batch) pairs.push(pending.entry.requestId, pending.encoded);
    scripts.queue(
      pipeline,
      'ledger-append-batch',
      [keys.ledgerStream()],
      [
        this.options.ledgerMaxEntries,
        this.options.settledMarkerSeconds ?? 172_800,
        LEDGER_FIELD,
        keys.ledgerSeenPrefix(),
        ...pairs,
      ],
    );
    this.releaseLeases(pipeline, batch);
    try {
      const results = await pipeline.exec();
      const appended = pipelineResult(results?.[0] as [Error | null, unknown] | undefined);
      const ids = Array.isArray(appended) ? appended : [];
      batch.forEach((pending, index) => {
        pending.resolve({ entry: pending.entry, recorded: ids[index] !== 0 && ids[index] !== undefined });
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
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
