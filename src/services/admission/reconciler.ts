// Background job: ends what crashed instances left behind — the claims of requests they never settled (each
// becomes a ledger entry with outcome instance_lost and its estimated cost charged), expired key and account
// leases, stale pending listings — within one interval of their expiry. Every step is idempotent, so two
// instances running it at once do no harm; the leader lock only spares the duplicate work.
import type { ChainableCommander } from 'ioredis';
import type { Logger } from '../../lib/logger.js';
import { PLATFORMS } from '../domain/platforms.js';
import { type JobStatus, JobTracker } from '../jobs/job-status.js';
import { LeaderLock } from '../jobs/leader-lock.js';
import type { PricingService } from '../pricing/pricing-service.js';
import type { RedisContext } from '../redis/record-store.js';
import { pipelineResult } from '../redis/scripts.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import { appendLedgerInto, type LedgerWrite } from '../usage/ledger-append.js';
import {
  encodeLedgerBatch,
  encodeLedgerEntry,
  LEDGER_TOPIC,
  type LedgerEntry,
} from '../usage/ledger-entry.js';
import { OWNER_MEMBER } from './admission-plan.js';
import { chargedSuffixes, type LostClaim, parseLostClaim } from './lost-request.js';
import { CLAIM_SUFFIXES, slotKeys } from './slot-keys.js';

export interface ReconcilerOptions {
  intervalMs: number;
  /** Claims live this long without renewal; live instances renew every third of it. */
  leaseTtlMs: number;
  ledgerMaxEntries: number;
  /** Keys looked at per pass; the rest wait for the next pass. */
  batchSize?: number;
  /**
   * Told of each pass that reclaimed something, and of the first clean pass after one (the alerts' leak rule
   * fires on the first and resolves on the second).
   */
  onReclaimed?: (report: ReconcileReport) => void;
}

export interface ReconcileReport {
  keys: number;
  /** Claims of requests whose instance died, each now a ledger entry (instance_lost). */
  lostRequests: number;
  /** Claim records this version could not read (they were ended, but not recorded). */
  unreadableClaims: number;
  keyLeases: number;
  accountLeases: number;
}

/** Claims ended per key in one script call, which bounds the time the script blocks Redis. */
const CLAIMS_PER_CALL = 200;
/**
 * Pending ledger listings older than this belong to requests that can no longer settle (refused while Redis
 * was failing, say); a live request settles or is reconciled long before.
 */
const PENDING_MAX_AGE_MS = 24 * 3_600_000;

export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly lock: LeaderLock;
  /** Since when this instance has reached Redis without a failure; undefined while it cannot. */
  private reachableSince: number | undefined;
  /** The account of each expired account lease seen lately, by request id (see rememberExpiredLeases). */
  private readonly accountOf = new Map<string, { accountId: string; seenAt: number }>();

  /** Whether the previous pass reclaimed anything: the next clean pass is reported once. */
  private lastLeaked = false;
  private readonly tracker = new JobTracker('reconciler', () => this.lock.isHeld);

  constructor(
    private readonly context: RedisContext,
    private readonly pricing: PricingService,
    private readonly options: ReconcilerOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.lock = new LeaderLock(context, 'reconcile', Math.max(5_000, options.intervalMs * 3));
  }

  status(): JobStatus {
    return this.tracker.status();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.lock.release().catch(() => {});
  }

  /** One pass over everything that has expired by now; exposed for tests. */
  async reconcile(): Promise<ReconcileReport> {
    const { redis, keys, scripts } = this.context;
    const now = this.now();
    const report: ReconcileReport = {
      keys: 0,
      lostRequests: 0,
      unreadableClaims: 0,
      keyLeases: 0,
      accountLeases: 0,
    };
    // The lost requests' entries name the account each was on, read from the expired account leases first.
    await this.rememberExpiredLeases(now);
    const due = await redis.zrangebyscore(
      keys.reconcileIndex(),
      '-inf',
      now,
      'LIMIT',
      0,
      this.options.batchSize ?? 500,
    );
    const lost: LostClaim[] = [];
    for (const member of due) {
      // An owner's side (its per-user counters) is ended like a key's, in the owner's slot; its lost requests
      // are the same as their keys', which record them.
      const userId = member.startsWith(OWNER_MEMBER) ? member.slice(OWNER_MEMBER.length) : undefined;
      const prefix = userId === undefined ? keys.apiKeySlotPrefix(member) : keys.userSpendPrefix(userId);
      // The expired claims are read first: their records name the counters to charge, which the script must
      // declare (a cluster checks only declared keys). It ends only those still expired when it runs.
      const expired = await redis.zrangebyscore(
        `${prefix}claims-exp`,
        '-inf',
        now,
        'LIMIT',
        0,
        CLAIMS_PER_CALL,
      );
      const records = expired.length === 0 ? [] : await redis.hmget(`${prefix}claims`, ...expired);
      const charged = records.flatMap((record) => (record === null ? [] : chargedSuffixes(record)));
      const result = await scripts.run('key-reconcile', slotKeys(prefix, [...CLAIM_SUFFIXES, ...charged]), [
        prefix,
        now,
        ...expired,
      ]);
      const [leases, live, orphans] = Array.isArray(result) ? result : [0, 0, []];
      if (userId === undefined) {
        report.keys += 1;
        report.keyLeases += Number(leases) || 0;
        const records: unknown[] = Array.isArray(orphans) ? orphans : [];
        for (let index = 0; index + 1 < records.length; index += 2) {
          const claim = parseLostClaim(member, String(records[index]), String(records[index + 1]));
          if (claim) lost.push(claim);
          else report.unreadableClaims += 1;
        }
      }
      if (Number(live) === 0) await scripts.run('reconcile-forget', [keys.reconcileIndex()], [member, now]);
    }
    await this.findLeasesOf(lost, now);
    report.lostRequests = await this.recordLost(lost, now);
    report.accountLeases = await this.trimAccountLeases(now);
    await redis.zremrangebyscore(keys.ledgerPending(), '-inf', now - PENDING_MAX_AGE_MS);
    return report;
  }

  private async tick(): Promise<void> {
    try {
      if (!(await this.lock.tryAcquire())) {
        this.reachableSince ??= this.now();
        return;
      }
      this.reachableSince ??= this.now();
      const since = this.reachableSince;
      // After Redis was away, live instances get one renewal interval to renew their claims (they stopped
      // reaching Redis too) before an expired claim may be taken for a dead instance's.
      if (this.now() - since < this.options.leaseTtlMs / 3 + 1000) return;
      const report = await this.tracker.pass(() => this.reconcile());
      const leaked =
        report.lostRequests + report.keyLeases + report.accountLeases + report.unreadableClaims > 0;
      if (leaked) this.logger.warn(report, 'reclaimed claims and leases left by a stopped instance');
      if (leaked || this.lastLeaked) this.options.onReclaimed?.(report);
      this.lastLeaked = leaked;
    } catch (error) {
      if (this.reachableSince !== undefined) this.logger.error({ err: error }, 'reconciler pass failed');
      this.reachableSince = undefined;
    }
  }

  /** Writes one ledger entry per lost request, once (the pending listing guards it), and announces them. */
  private async recordLost(lost: LostClaim[], now: number): Promise<number> {
    if (lost.length === 0) return 0;
    const writes: LedgerWrite[] = lost.map((claim) => {
      const entry = lostRequestEntry(
        claim,
        this.accountOf.get(claim.requestId)?.accountId,
        this.pricing,
        now,
      );
      return { entry, encoded: encodeLedgerEntry(entry), guarded: true };
    });
    const { redis, keys } = this.context;
    const pipeline = crossSlotPipeline(redis);
    appendLedgerInto(this.context, pipeline, writes, this.options.ledgerMaxEntries);
    pipeline.publish(keys.channel(LEDGER_TOPIC), encodeLedgerBatch(writes.map((write) => write.encoded)));
    const results = await pipeline.exec();
    const ids = pipelineResult(results?.[0] as [Error | null, unknown] | undefined);
    return Array.isArray(ids) ? ids.filter((id) => id !== 0).length : 0;
  }

  /**
   * Notes the account of every expired account lease. An account lease can expire a little before its
   * request's claim and be trimmed in an earlier pass than the one that ends the claim, so what was seen is
   * remembered for two lease lifetimes (pools are few and small; a new leader starts without it).
   */
  private async rememberExpiredLeases(now: number): Promise<void> {
    const results = await this.overPools((pipeline, platform, accountId) =>
      pipeline.zrangebyscore(this.context.keys.poolLeases(platform, accountId), '-inf', now),
    );
    for (const [accountId, expired] of results) {
      if (!Array.isArray(expired)) continue;
      for (const requestId of expired) this.accountOf.set(String(requestId), { accountId, seenAt: now });
    }
    for (const [requestId, { seenAt }] of this.accountOf) {
      if (now - seenAt > 2 * this.options.leaseTtlMs) this.accountOf.delete(requestId);
    }
  }

  /**
   * Finds the account of lost requests whose lease has not been seen expired: a claim can also expire a little
   * before its account lease (they are renewed in separate writes), and the lease is then still live. Lost
   * requests are rare, so each is looked up in its pool's lease sets directly.
   */
  private async findLeasesOf(lost: LostClaim[], now: number): Promise<void> {
    const unknown = lost.filter((claim) => !this.accountOf.has(claim.requestId));
    if (unknown.length === 0) return;
    const { redis, keys } = this.context;
    for (const platform of new Set(unknown.map((claim) => claim.info.platform))) {
      const members = await redis.smembers(keys.poolMembers(platform));
      const claims = unknown.filter((claim) => claim.info.platform === platform);
      if (members.length === 0 || claims.length === 0) continue;
      const pipeline = crossSlotPipeline(redis);
      for (const claim of claims) {
        for (const accountId of members)
          pipeline.zscore(keys.poolLeases(platform, accountId), claim.requestId);
      }
      const replies = (await pipeline.exec()) ?? [];
      claims.forEach((claim, claimIndex) => {
        members.forEach((accountId, memberIndex) => {
          if (replies[claimIndex * members.length + memberIndex]?.[1] != null) {
            this.accountOf.set(claim.requestId, { accountId, seenAt: now });
          }
        });
      });
    }
  }

  /** Removes account leases that expired before `cutoff`; returns how many. */
  private async trimAccountLeases(cutoff: number): Promise<number> {
    const results = await this.overPools((pipeline, platform, accountId) =>
      pipeline.zremrangebyscore(this.context.keys.poolLeases(platform, accountId), '-inf', cutoff),
    );
    return results.reduce((sum, [, removed]) => sum + (Number(removed) || 0), 0);
  }

  /** One pipeline per pool with one command per member account; the members' results, in order. */
  private async overPools(
    add: (pipeline: ChainableCommander, platform: string, accountId: string) => void,
  ): Promise<Array<[string, unknown]>> {
    const { redis, keys } = this.context;
    const results: Array<[string, unknown]> = [];
    for (const platform of PLATFORMS) {
      const members = await redis.smembers(keys.poolMembers(platform));
      if (members.length === 0) continue;
      const pipeline = crossSlotPipeline(redis);
      for (const accountId of members) add(pipeline, platform, accountId);
      const replies = (await pipeline.exec()) ?? [];
      members.forEach((accountId, index) => {
        results.push([accountId, replies[index]?.[1]]);
      });
    }
    return results;
  }
}

/** The ledger entry of a request whose instance died: its admission's estimate, flagged as such. */
function lostRequestEntry(
  claim: LostClaim,
  accountId: string | undefined,
  pricing: PricingService,
  now: number,
): LedgerEntry {
  const { info } = claim;
  const quote = pricing.quote(info.platform, info.model, info.inputTokens);
  return {
    requestId: claim.requestId,
    at: info.at,
    keyId: claim.keyId,
    accountId,
    platform: info.platform,
    model: info.model,
    upstreamModel: info.model,
    usage: { input: info.inputTokens, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
    costMicros: claim.estimateMicros,
    prices: quote?.prices,
    priceVersion: quote?.version,
    outcome: 'instance_lost',
    estimated: true,
    status: 0,
    stream: info.stream,
    latencyMs: Math.max(0, now - info.at),
    ttftMs: undefined,
    errorCode: 'instance_lost',
    clientRequestId: info.clientRequestId,
    userId: info.userId,
    clientFormat: info.clientFormat ?? '',
    upstreamFormat: undefined,
    clientKind: info.client,
    attempts: 1,
    errorMessage: 'The instance serving the request stopped before it finished',
  };
}
