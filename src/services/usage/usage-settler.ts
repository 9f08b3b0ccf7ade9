// Settles finished requests: price them, append each ledger entry once, release their leases. Requests that
// finish in the same event-loop turn share one pipelined round trip.
import type { ChainableCommander } from 'ioredis';
import type { Logger } from '../../lib/logger.js';
import { TurnBatch } from '../../lib/turn-batch.js';
import type { AdmissionService, AdmissionTicket } from '../admission/admission-service.js';
import type { RedisContext } from '../redis/record-store.js';
import { pipelineResult } from '../redis/scripts.js';
import type { AccountLease, AccountScheduler } from '../scheduler/account-scheduler.js';
import {
  encodeLedgerBatch,
  encodeLedgerEntry,
  LEDGER_FIELD,
  LEDGER_TOPIC,
  type LedgerEntry,
} from './ledger-entry.js';
import type { PricingService } from './pricing-service.js';
import { type Outcome, type TokenUsage, totalInputTokens } from './usage-types.js';

export interface SettleInput {
  requestId: string;
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
  ticket: AdmissionTicket | undefined;
  resolve: (result: SettleResult) => void;
  reject: (error: unknown) => void;
}

export class UsageSettler {
  /** Shutdown drains it, so no usage is lost after the last response. */
  private readonly batch = new TurnBatch<Pending>((items) => this.flush(items));

  constructor(
    private readonly context: RedisContext,
    private readonly pricing: PricingService,
    private readonly scheduler: AccountScheduler,
    private readonly admission: AdmissionService,
    private readonly options: UsageSettlerOptions,
    private readonly logger: Logger,
  ) {}

  settle(input: SettleInput): Promise<SettleResult> {
    const entry = this.price(input);
    return new Promise((resolve, reject) => {
      this.batch.add({
        entry,
        encoded: encodeLedgerEntry(entry),
        lease: input.lease,
        ticket: input.ticket,
        resolve,
        reject,
      });
    });
  }

  drain(): Promise<void> {
    return this.batch.drain();
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

  private async flush(batch: Pending[]): Promise<void> {
    const { keys, scripts, redis } = this.context;
    const pipeline = redis.pipeline();
    const pairs: string[] = [];
    const encoded: string[] = [];
    for (const pending of batch) {
      pairs.push(pending.entry.requestId, pending.encoded);
      encoded.push(pending.encoded);
    }
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
    // The key's side (lease, reservation → real cost, rate window) travels in the same round trip.
    for (const { ticket, entry } of batch) {
      if (ticket) this.admission.settleInto(pipeline, ticket, entry.costMicros, totalTokens(entry.usage));
    }
    // Live subscribers on every instance hear of the batch in the same round trip, as one message built from
    // the encodings already made for the stream. Last in the pipeline, so the results above keep their index.
    // A request id settled twice is announced twice: rare (a retried settle), and only live views see it.
    pipeline.publish(keys.channel(LEDGER_TOPIC), encodeLedgerBatch(encoded));
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

function totalTokens(usage: TokenUsage): number {
  return totalInputTokens(usage) + usage.output;
}
