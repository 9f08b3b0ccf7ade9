// Settles a finished request in one pipelined round trip: price it, append the ledger entry once, release leases.
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

export class UsageSettler {
  /** Settles still writing; shutdown waits for them so no usage is lost after the last response. */
  private readonly pending = new Set<Promise<SettleResult>>();

  constructor(
    private readonly context: RedisContext,
    private readonly pricing: PricingService,
    private readonly scheduler: AccountScheduler,
    private readonly options: UsageSettlerOptions,
    private readonly logger: Logger,
  ) {}

  settle(input: SettleInput): Promise<SettleResult> {
    const settling = this.write(input);
    this.pending.add(settling);
    const forget = () => this.pending.delete(settling);
    settling.then(forget, forget);
    return settling;
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async write(input: SettleInput): Promise<SettleResult> {
    const priced = this.pricing.price(input.platform, input.upstreamModel, input.usage);
    const entry: LedgerEntry = {
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
    if (!priced.quote) {
      this.logger.warn(
        { requestId: input.requestId, model: input.upstreamModel },
        'no price known for model',
      );
    }
    const { keys, scripts, redis } = this.context;
    const pipeline = redis.pipeline();
    scripts.queue(
      pipeline,
      'ledger-append',
      [keys.ledgerStream(), keys.ledgerSeen(input.requestId)],
      [
        this.options.ledgerMaxEntries,
        this.options.settledMarkerSeconds ?? 172_800,
        LEDGER_FIELD,
        encodeLedgerEntry(entry),
      ],
    );
    if (input.lease) this.scheduler.releaseInto(pipeline, input.lease);
    const results = await pipeline.exec();
    const appended = pipelineResult(results?.[0] as [Error | null, unknown] | undefined);
    return { entry, recorded: appended !== 0 };
  }
}
