// Background job: reclaims what crashed instances left behind — key leases and cost reservations past their
// expiry, and expired account leases — within one interval of their expiry. Every step is idempotent, so two
// instances running it at once do no harm; the leader lock only spares the duplicate work.
import type { Logger } from '../../lib/logger.js';
import { PLATFORMS } from '../domain/platforms.js';
import { LeaderLock } from '../jobs/leader-lock.js';
import type { RedisContext } from '../redis/record-store.js';

export interface ReconcilerOptions {
  intervalMs: number;
  /** Keys looked at per pass; the rest wait for the next pass. */
  batchSize?: number;
}

export interface ReconcileReport {
  keys: number;
  reservations: number;
  keyLeases: number;
  accountLeases: number;
}

export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly lock: LeaderLock;

  constructor(
    private readonly context: RedisContext,
    private readonly options: ReconcilerOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.lock = new LeaderLock(context, 'reconcile', Math.max(5_000, options.intervalMs * 3));
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

  /** One pass over everything that may have expired; exposed for tests. */
  async reconcile(): Promise<ReconcileReport> {
    const { redis, keys, scripts } = this.context;
    const now = this.now();
    const report: ReconcileReport = { keys: 0, reservations: 0, keyLeases: 0, accountLeases: 0 };
    const due = await redis.zrangebyscore(
      keys.reconcileIndex(),
      '-inf',
      now,
      'LIMIT',
      0,
      this.options.batchSize ?? 500,
    );
    for (const keyId of due) {
      const result = await scripts.run(
        'key-reconcile',
        [keys.keyReservationExpiry(keyId)],
        [keys.apiKeySlotPrefix(keyId), now],
      );
      const [reservations, leases, live] = Array.isArray(result) ? result.map(Number) : [0, 0, 0];
      report.keys += 1;
      report.reservations += reservations ?? 0;
      report.keyLeases += leases ?? 0;
      if (live === 0) await scripts.run('reconcile-forget', [keys.reconcileIndex()], [keyId, now]);
    }
    report.accountLeases = await this.expireAccountLeases(now);
    return report;
  }

  private async tick(): Promise<void> {
    try {
      if (!(await this.lock.tryAcquire())) return;
      const report = await this.reconcile();
      if (report.reservations + report.keyLeases + report.accountLeases > 0) {
        this.logger.warn(report, 'reclaimed leases and reservations left by a stopped instance');
      }
    } catch (error) {
      this.logger.error({ err: error }, 'reconciler pass failed');
    }
  }

  /** Account pools are few and small: every member's lease set is trimmed of expired leases. */
  private async expireAccountLeases(now: number): Promise<number> {
    const { redis, keys } = this.context;
    let removed = 0;
    for (const platform of PLATFORMS) {
      const members = await redis.smembers(keys.poolMembers(platform));
      if (members.length === 0) continue;
      const pipeline = redis.pipeline();
      for (const accountId of members)
        pipeline.zremrangebyscore(keys.poolLeases(platform, accountId), '-inf', now);
      for (const [, count] of (await pipeline.exec()) ?? []) removed += Number(count) || 0;
    }
    return removed;
  }
}
