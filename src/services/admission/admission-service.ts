// Admission: the key's restrictions, then one Lua call on the key's slot for activation, concurrency lease,
// rate window and worst-case cost reservation; settle replaces the reservation with the real cost.
import type { ChainableCommander } from 'ioredis';
import type { AppError } from '../../errors/app-error.js';
import { TurnBatch } from '../../lib/turn-batch.js';
import type { StoredApiKey } from '../api-keys/api-key-types.js';
import { modelFamily } from '../domain/model-family.js';
import type { ClientKind, Platform } from '../domain/platforms.js';
import type { EventBus } from '../events/event-bus.js';
import type { LeaseKeeper } from '../leases/lease-keeper.js';
import type { RedisContext } from '../redis/record-store.js';
import { pipelineResult } from '../redis/scripts.js';
import type { PricingService } from '../usage/pricing-service.js';
import { worstCaseMicros } from './cost-bound.js';
import { KEY_FREE_TOPIC, KeyQueue } from './key-queue.js';
import { type KeyUsage, readKeyUsage, type UsageSubject } from './key-usage.js';
import type { LimitCalendar } from './limit-periods.js';
import { checkKeyRestrictions, type RestrictedRequest } from './restrictions.js';
import { type SpendCounter, spendCounters } from './spend-counters.js';

export interface AdmissionInput {
  key: StoredApiKey;
  requestId: string;
  platform: Platform;
  model: string;
  client: ClientKind | undefined;
  /** Size of the request body: the bound on its input tokens. */
  bodyBytes: number;
  maxTokens: number | undefined;
  /** Ends waiting in the key's queue when the client goes away. */
  signal?: AbortSignal;
}

/** What a settle needs to give back what admission took. */
export interface AdmissionTicket {
  keyId: string;
  requestId: string;
  counters: SpendCounter[];
  window: { ms: number; mode: 'sliding' | 'fixed' } | undefined;
  /** Whether others may be waiting in this key's queue for the slot this request frees. */
  wakesQueue: boolean;
  /** Stops renewing this request's lease and reservation. */
  untrack: () => void;
}

export interface AdmissionOptions {
  leaseTtlMs: number;
  /** Output bound for requests that do not say `max_tokens`. */
  defaultMaxOutputTokens: number;
  settledMarkerSeconds?: number;
}

interface Pending {
  ticket: AdmissionTicket;
  args: Array<string | number>;
  /** Whether this admission can leave a lease or a reservation for the reconciler to watch. */
  tracked: boolean;
  expiresAt: number;
  resolve: (ticket: AdmissionTicket) => void;
  reject: (error: unknown) => void;
}

export class AdmissionService {
  private readonly batch = new TurnBatch<Pending>((items) => this.flush(items));
  private readonly queue: KeyQueue;

  constructor(
    private readonly context: RedisContext,
    private readonly pricing: PricingService,
    private readonly leases: LeaseKeeper,
    private readonly calendar: LimitCalendar,
    bus: EventBus,
    private readonly options: AdmissionOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.queue = new KeyQueue(context, bus, now);
  }

  start(): Promise<void> {
    return this.queue.start();
  }

  /** Restrictions alone, for calls that spend nothing (model lists, token counting). */
  checkRestrictions(key: StoredApiKey, request: Omit<RestrictedRequest, 'now'>): void {
    checkKeyRestrictions(key, { ...request, now: this.now() });
  }

  /** Admits the request or throws the AppError to answer with (401, 403, 429, 402). One round trip. */
  admit(input: AdmissionInput): Promise<AdmissionTicket> {
    checkKeyRestrictions(input.key, { ...input, now: this.now() });
    const attempt = () =>
      new Promise<AdmissionTicket>((resolve, reject) => this.batch.add(this.plan(input, resolve, reject)));
    const queue = input.key.limits.queue;
    return queue ? this.queue.admit(input.key.id, queue, input.signal, attempt) : attempt();
  }

  /** Adds the settle of an admitted request to a settle pipeline; the caller executes it. */
  settleInto(
    pipeline: ChainableCommander,
    ticket: AdmissionTicket,
    costMicros: number,
    tokens: number,
  ): void {
    ticket.untrack();
    const { keys, scripts } = this.context;
    const counterArgs: Array<string | number> = [ticket.counters.length];
    for (const counter of ticket.counters) counterArgs.push(counter.suffix, counter.ttlSeconds);
    scripts.queue(
      pipeline,
      'key-settle',
      [keys.keyLeases(ticket.keyId)],
      [
        keys.apiKeySlotPrefix(ticket.keyId),
        this.now(),
        ticket.requestId,
        this.options.settledMarkerSeconds ?? 172_800,
        costMicros,
        tokens,
        ticket.window?.ms ?? 0,
        ticket.window?.mode ?? 'sliding',
        ...counterArgs,
      ],
    );
    if (ticket.wakesQueue) pipeline.publish(keys.channel(KEY_FREE_TOPIC), ticket.keyId);
  }

  /** Current spend against each of the key's limits, with reset times. */
  usage(key: UsageSubject): Promise<KeyUsage> {
    return readKeyUsage(this.context, this.calendar, key, this.now());
  }

  /** Gives back what admission took for a request that will not run (no account, a failure before upstream). */
  async release(ticket: AdmissionTicket): Promise<void> {
    const pipeline = this.context.redis.pipeline();
    this.settleInto(pipeline, ticket, 0, 0);
    const results = await pipeline.exec();
    pipelineResult(results?.[0] as [Error | null, unknown] | undefined);
  }

  private plan(
    input: AdmissionInput,
    resolve: (ticket: AdmissionTicket) => void,
    reject: (error: unknown) => void,
  ): Pending {
    const { key } = input;
    const { limits } = key;
    const now = this.now();
    const family = modelFamily(input.model);
    const counters = spendCounters(key, this.calendar.periodsAt(now), family);
    const limited = counters.filter((counter) => counter.limitMicros !== undefined);
    const amount =
      limited.length === 0
        ? 0
        : worstCaseMicros(
            this.pricing,
            input.platform,
            input.model,
            input.bodyBytes,
            input.maxTokens ?? this.options.defaultMaxOutputTokens,
          );
    const window = limits.window ? { ms: limits.window.seconds * 1000, mode: limits.window.mode } : undefined;
    const lifetimeMs = key.expiry.kind === 'after-first-use' ? key.expiry.durationSeconds * 1000 : 0;
    const args: Array<string | number> = [
      this.context.keys.apiKeySlotPrefix(key.id),
      now,
      input.requestId,
      this.options.leaseTtlMs,
      limits.concurrency ?? 0,
      lifetimeMs,
      window?.ms ?? 0,
      window?.mode ?? 'sliding',
      limits.window?.requests ?? 0,
      limits.window?.tokens ?? 0,
      limits.window?.costMicros ?? 0,
      amount,
      limited.length,
    ];
    for (const counter of limited)
      args.push(counter.name, counter.suffix, counter.limitMicros ?? 0, counter.endsAt);
    return {
      ticket: {
        keyId: key.id,
        requestId: input.requestId,
        counters,
        window,
        wakesQueue: limits.queue !== undefined,
        untrack: () => {},
      },
      args,
      tracked: (limits.concurrency ?? 0) > 0 || (amount > 0 && limited.length > 0),
      expiresAt: now + this.options.leaseTtlMs,
      resolve,
      reject,
    };
  }

  private async flush(items: Pending[]): Promise<void> {
    const { keys, scripts, redis } = this.context;
    const pipeline = redis.pipeline();
    for (const item of items) {
      scripts.queue(pipeline, 'admission', [keys.keyLeases(item.ticket.keyId)], item.args);
      // The reconciler finds keys with something to expire through this index, in the same round trip.
      if (item.tracked) pipeline.zadd(keys.reconcileIndex(), 'GT', item.expiresAt, item.ticket.keyId);
    }
    let results: Array<[Error | null, unknown]>;
    try {
      results = (await pipeline.exec()) ?? [];
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    let position = 0;
    for (const item of items) {
      const entry = results[position];
      position += item.tracked ? 2 : 1;
      let outcome: unknown;
      try {
        outcome = pipelineResult(entry);
      } catch (error) {
        item.reject(error as AppError);
        continue;
      }
      item.resolve(this.track(item.ticket, outcome));
    }
  }

  /** Starts renewing what admission took; a crashed instance stops renewing, and the reconciler reclaims it. */
  private track(ticket: AdmissionTicket, outcome: unknown): AdmissionTicket {
    const [, leased, reserved] = Array.isArray(outcome) ? outcome : [];
    const { keys } = this.context;
    const stops: Array<() => void> = [];
    if (leased === 1) stops.push(this.leases.track(keys.keyLeases(ticket.keyId), ticket.requestId));
    if (reserved === 1)
      stops.push(this.leases.track(keys.keyReservationExpiry(ticket.keyId), ticket.requestId));
    if (stops.length > 0) stops.push(this.leases.track(keys.reconcileIndex(), ticket.keyId));
    return {
      ...ticket,
      untrack: () => {
        for (const stop of stops) stop();
      },
    };
  }
}
