// Admission: the key's restrictions, then one Lua call per key and event-loop turn, on the key's slot, for
// activation, concurrency lease, rate window and worst-case cost reservation of each of the turn's requests;
// settle replaces a reservation with the real cost.
import type { ChainableCommander } from 'ioredis';
import { isStoreUnavailable } from '../../errors/store-unavailable.js';
import type { Logger } from '../../lib/logger.js';
import { TurnBatch } from '../../lib/turn-batch.js';
import type { StoredApiKey } from '../api-keys/api-key-types.js';
import { modelFamily } from '../domain/model-family.js';
import type { EventBus } from '../events/event-bus.js';
import type { LeaseKeeper } from '../leases/lease-keeper.js';
import type { PricingService } from '../pricing/pricing-service.js';
import type { RedisContext } from '../redis/record-store.js';
import { execWrites, StoreRetryQueue, type WriteOutcome } from '../redis/retry-queue.js';
import { pipelineResult } from '../redis/scripts.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import type { EffectiveSpendLimit } from '../spend-limits/spend-limit-types.js';
import { admissionRequestArgs, limitedSuffixes, ownerMember } from './admission-plan.js';
import type {
  AdmissionInput,
  AdmissionOptions,
  AdmissionTicket,
  KeySettle,
  OwnerLimits,
} from './admission-types.js';
import { type CostBound, costBound, outputCap } from './cost-bound.js';
import {
  type AdmissionOutcome,
  admissionCalls,
  admissionOutcome,
  type PlannedAdmission,
} from './key-admission-groups.js';
import { KEY_FREE_TOPIC, KeyQueue } from './key-queue.js';
import { groupSettles, keySide, ownerSide } from './key-settle-groups.js';
import { type KeyUsage, readKeyUsage, type UsageSubject } from './key-usage.js';
import type { LimitCalendar } from './limit-periods.js';
import { checkKeyRestrictions, type RestrictedRequest } from './restrictions.js';
import { CLAIM_SUFFIXES, slotKeys, windowSuffixes } from './slot-keys.js';
import { type SpendCounter, spendCounters, userSpendCounters } from './spend-counters.js';

const NO_OWNER_LIMITS: OwnerLimits = { effective: () => [] };

interface Pending extends PlannedAdmission {
  ticket: AdmissionTicket;
  bound: CostBound | undefined;
  maxOutputTokens: number;
  expiresAt: number;
  resolve: (ticket: AdmissionTicket) => void;
  reject: (error: unknown) => void;
}

export class AdmissionService {
  private readonly batch = new TurnBatch<Pending>((items) => this.flush(items));
  private readonly queue: KeyQueue;
  /**
   * Admissions to give back once Redis answers again: requests that will not run, and admissions that timed
   * out on a frozen Redis, which may still be applied when it thaws (the release, sent after them on the same
   * connection, then undoes them). Releasing twice is harmless: a claim ends once.
   */
  private readonly releases: StoreRetryQueue<AdmissionTicket>;

  constructor(
    private readonly context: RedisContext,
    private readonly pricing: PricingService,
    private readonly leases: LeaseKeeper,
    private readonly calendar: LimitCalendar,
    bus: EventBus,
    private readonly options: AdmissionOptions,
    logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly ownerLimits: OwnerLimits = NO_OWNER_LIMITS,
  ) {
    this.queue = new KeyQueue(context, bus, now);
    this.releases = new StoreRetryQueue(
      context.redis,
      (batch) => this.writeReleases(batch),
      {
        name: 'admission releases',
        max: options.releaseQueueMax ?? 100_000,
        onDrop: (lost) => {
          for (const ticket of lost) ticket.untrack();
        },
      },
      logger,
    );
  }

  /** Stops retrying queued releases (shutdown). */
  close(): void {
    this.releases.close();
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
    const owner = input.key.ownerId;
    const enqueue = (limits: readonly EffectiveSpendLimit[]) =>
      new Promise<AdmissionTicket>((resolve, reject) =>
        this.batch.add(this.plan(input, limits, resolve, reject)),
      );
    const attempt = () => {
      const limits = owner === undefined ? [] : this.ownerLimits.effective(owner);
      return Array.isArray(limits) ? enqueue(limits) : limits.then(enqueue);
    };
    const queue = input.key.limits.queue;
    return queue ? this.queue.admit(input.key.id, queue, input.signal, attempt) : attempt();
  }

  /**
   * Adds the settles of admitted requests to a settle pipeline; the caller executes it. One script call per key
   * (and rate window) for the whole batch: at c=50 most of a turn's settles are of the same busy key.
   */
  settleInto(pipeline: ChainableCommander, settles: readonly KeySettle[]): void {
    const { keys, scripts } = this.context;
    const now = this.now();
    for (const { side, args, charged, count, wakes } of groupSettles(settles, keySide)) {
      const prefix = keys.apiKeySlotPrefix(side.id);
      scripts.queue(
        pipeline,
        'key-settle',
        slotKeys(prefix, [...CLAIM_SUFFIXES, ...windowSuffixes(side.window, now), ...charged]),
        [prefix, now, side.window?.ms ?? 0, side.window?.mode ?? 'sliding', count, ...args],
      );
      if (wakes) pipeline.publish(keys.channel(KEY_FREE_TOPIC), side.id);
    }
    // The owners' side, in each owner's slot: their per-user counters, no lease and no window.
    for (const { side, args, charged, count } of groupSettles(settles, ownerSide)) {
      const prefix = keys.userSpendPrefix(side.id);
      scripts.queue(pipeline, 'key-settle', slotKeys(prefix, [...CLAIM_SUFFIXES, ...charged]), [
        prefix,
        now,
        0,
        'sliding',
        count,
        ...args,
      ]);
    }
  }

  /** Requests waiting in their key's queue on this instance now. */
  get queued(): number {
    return this.queue.waiting;
  }

  /** Given-back admissions Redis has not taken yet: retried every second, and as soon as it reconnects. */
  get releasesQueued(): number {
    return this.releases.size;
  }

  /** Current spend against each of the key's limits, with reset times. */
  usage(key: UsageSubject): Promise<KeyUsage> {
    return readKeyUsage(this.context, this.calendar, key, this.now());
  }

  /** Gives back what admission took for a request that will not run (no account, a failure before upstream). */
  async release(ticket: AdmissionTicket): Promise<void> {
    if ((await this.writeReleases([ticket])) === 'unavailable') this.releases.push([ticket]);
  }

  /** Ends the claims (charging nothing) and the pending ledger listings of requests that will not run. */
  private async writeReleases(tickets: AdmissionTicket[]): Promise<WriteOutcome> {
    const pipeline = crossSlotPipeline(this.context.redis);
    this.settleInto(
      pipeline,
      tickets.map((ticket) => ({ ticket, costMicros: 0, tokens: 0 })),
    );
    pipeline.zrem(this.context.keys.ledgerPending(), ...tickets.map((ticket) => ticket.requestId));
    if ((await execWrites(pipeline)) === 'unavailable') return 'unavailable';
    for (const ticket of tickets) ticket.untrack();
    return 'done';
  }

  private plan(
    input: AdmissionInput,
    ownerLimits: readonly EffectiveSpendLimit[],
    resolve: (ticket: AdmissionTicket) => void,
    reject: (error: unknown) => void,
  ): Pending {
    const { key } = input;
    const { limits } = key;
    const now = this.now();
    const family = modelFamily(input.model);
    const periods = this.calendar.periodsAt(now);
    const counters: SpendCounter[] = spendCounters(key, periods, family);
    const owner =
      key.ownerId === undefined
        ? undefined
        : { userId: key.ownerId, counters: userSpendCounters(periods, ownerLimits) };
    const maxOutputTokens = input.maxTokens ?? this.options.defaultMaxOutputTokens;
    const bound = costBound(this.pricing, input.platform, input.model, input.input, maxOutputTokens);
    const window = limits.window ? { ms: limits.window.seconds * 1000, mode: limits.window.mode } : undefined;
    const requestArgs = (spent: readonly SpendCounter[]) => admissionRequestArgs(input, spent, bound, now);
    return {
      ticket: {
        keyId: key.id,
        requestId: input.requestId,
        counters,
        window,
        owner,
        wakesQueue: limits.queue !== undefined,
        outputCap: undefined,
        untrack: () => {},
      },
      key,
      args: requestArgs(counters),
      limited: limitedSuffixes(counters),
      owner: owner && {
        userId: owner.userId,
        args: requestArgs(owner.counters),
        limited: limitedSuffixes(owner.counters),
      },
      bound,
      maxOutputTokens,
      at: now,
      expiresAt: now + this.options.leaseTtlMs,
      resolve,
      reject,
    };
  }

  private async flush(items: Pending[]): Promise<void> {
    const { keys, scripts, redis } = this.context;
    const pipeline = crossSlotPipeline(redis);
    // One script call per key for the whole turn (at c=50 most of a turn's requests are of the same busy key),
    // and one per owner of an owned key, on the owner's slot.
    const calls = admissionCalls(
      items,
      { key: keys.apiKeySlotPrefix, owner: keys.userSpendPrefix },
      this.options.leaseTtlMs,
    );
    for (const call of calls) scripts.queue(pipeline, 'admission', call.keys, call.args);
    // In the same round trip, one command each for the whole turn: the reconciler's index of keys (and owners)
    // with claims to watch, and the ledger's list of requests whose entry is still to be written (what makes
    // appending it happen once). Per request they were two more commands for ioredis and Redis to handle.
    const watched: Array<string | number> = [];
    const pending: Array<string | number> = [];
    for (const item of items) {
      watched.push(item.expiresAt, item.ticket.keyId);
      if (item.owner) watched.push(item.expiresAt, ownerMember(item.owner.userId));
      pending.push(item.at, item.ticket.requestId);
    }
    pipeline.zadd(keys.reconcileIndex(), 'GT', ...watched);
    pipeline.zadd(keys.ledgerPending(), ...pending);
    let results: Array<[Error | null, unknown]>;
    try {
      results = (await pipeline.exec()) ?? [];
    } catch (error) {
      this.failed(items, error);
      return;
    }
    // Each request's outcome on each of its sides: its key's, and its owner's when the key has one.
    const outcomes = new Map<Pending, AdmissionOutcome[]>();
    calls.forEach((call, index) => {
      let replies: unknown;
      let failure: unknown;
      try {
        replies = pipelineResult(results[index]);
      } catch (error) {
        failure = error;
      }
      call.items.forEach((item, at) => {
        const outcome: AdmissionOutcome =
          failure === undefined
            ? admissionOutcome(Array.isArray(replies) ? replies[at] : undefined)
            : { admitted: false, error: failure as Error };
        const sides = outcomes.get(item);
        if (sides) sides.push(outcome);
        else outcomes.set(item, [outcome]);
      });
    });
    const refused: Pending[] = [];
    for (const item of items) {
      const sides = outcomes.get(item) ?? [];
      const refusals = sides.flatMap((side) => (side.admitted ? [] : [side.error]));
      const unavailable = refusals.find(isStoreUnavailable);
      const [refusal] = refusals;
      if (unavailable !== undefined) this.failed([item], unavailable);
      else if (refusal === undefined) item.resolve(this.track(item, sides));
      else if (refusals.length < sides.length) {
        // What one side took when the other refused is given back before the client hears of the refusal, so
        // that a refused request holds no room afterwards (the release retries on its own if Redis is away).
        void this.release(item.ticket)
          .catch(() => {})
          .then(() => item.reject(refusal));
      } else {
        item.reject(refusal);
        refused.push(item);
      }
    }
    this.forgetPending(refused);
  }

  /**
   * Redis did not answer: the requests are refused, and what their admission may still take (a frozen server
   * runs it when it thaws) is given back afterwards.
   */
  private failed(items: Pending[], error: unknown): void {
    if (isStoreUnavailable(error)) this.releases.push(items.map((item) => item.ticket));
    else this.forgetPending(items);
    for (const item of items) item.reject(error);
  }

  /** A refused request will never be recorded: its pending listing goes (off the hot path, not awaited). */
  private forgetPending(items: Pending[]): void {
    if (items.length === 0) return;
    const { redis, keys } = this.context;
    redis.zrem(keys.ledgerPending(), ...items.map((item) => item.ticket.requestId)).catch(() => {
      // Redis away: the reconciler trims listings older than a day.
    });
  }

  /** Starts renewing what admission took; a crashed instance stops renewing, and the reconciler reclaims it. */
  private track(item: Pending, sides: readonly AdmissionOutcome[]): AdmissionTicket {
    const { ticket } = item;
    const { keys } = this.context;
    const stops = [
      this.leases.track(keys.keyClaimExpiry(ticket.keyId), ticket.requestId),
      this.leases.track(keys.reconcileIndex(), ticket.keyId),
    ];
    if (ticket.owner) {
      stops.push(
        this.leases.track(keys.userClaimExpiry(ticket.owner.userId), ticket.requestId),
        this.leases.track(keys.reconcileIndex(), ownerMember(ticket.owner.userId)),
      );
    }
    const [key] = sides;
    if (key?.admitted && key.leased)
      stops.push(this.leases.track(keys.keyLeases(ticket.keyId), ticket.requestId));
    // The room left on the tighter side bounds the output (0: that side has no cost limit to fit under).
    const reserved = sides.flatMap((side) =>
      side.admitted && side.reservedMicros > 0 ? [side.reservedMicros] : [],
    );
    const reservedMicros = reserved.length > 0 ? Math.min(...reserved) : 0;
    return {
      ...ticket,
      outputCap:
        item.bound && reservedMicros > 0
          ? outputCap(item.bound, reservedMicros, item.maxOutputTokens)
          : undefined,
      untrack: () => {
        for (const stop of stops) stop();
      },
    };
  }
}
