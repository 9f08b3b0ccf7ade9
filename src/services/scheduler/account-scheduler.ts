// Chooses the upstream account for a request and holds its lease: filter in process, choose and lease in Redis.
import type { ChainableCommander } from 'ioredis';
import { AppError } from '../../errors/app-error.js';
import type { AccountService } from '../accounts/account-service.js';
import type { AccountRuntime } from '../accounts/account-types.js';
import { matchesAnyModelPattern } from '../domain/model-patterns.js';
import type { LeaseKeeper } from '../leases/lease-keeper.js';
import type { RedisContext } from '../redis/record-store.js';

export interface AccountLease {
  readonly platform: string;
  readonly accountId: string;
  readonly requestId: string;
  readonly key: string;
  /** Stops renewal; the lease itself is removed by `releaseInto`/`release`. */
  readonly untrack: () => void;
}

export interface AcquireRequest {
  platform: string;
  /** The model to serve; undefined when any account will do (model lists). */
  model: string | undefined;
  requestId: string;
  /** Accounts already tried for this request. */
  exclude?: ReadonlySet<string>;
}

export interface Acquired {
  runtime: AccountRuntime;
  lease: AccountLease;
}

export class AccountScheduler {
  constructor(
    private readonly context: RedisContext,
    private readonly accounts: AccountService,
    private readonly leases: LeaseKeeper,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(request: AcquireRequest): Promise<Acquired> {
    const pool = await this.accounts.poolRuntimes(request.platform);
    const candidates = pool.filter((runtime) => canServe(runtime, request));
    if (candidates.length === 0) {
      throw new AppError(
        'no_account_available',
        request.model === undefined
          ? `No schedulable ${request.platform} account is available`
          : `No schedulable ${request.platform} account serves model ${request.model}`,
        { details: { platform: request.platform, model: request.model, reason: 'no_candidate' } },
      );
    }
    const args: Array<string | number> = [
      this.context.keys.poolSlotPrefix(request.platform),
      this.now(),
      this.leases.ttlMs,
      request.requestId,
      candidates.length,
    ];
    for (const { account } of candidates) args.push(account.id, account.priority, account.maxConcurrency);
    const result = await this.context.scripts.run(
      'account-acquire',
      [this.context.keys.poolLastUsed(request.platform)],
      args,
    );
    const accountId = Array.isArray(result) ? String(result[0]) : '';
    const runtime = candidates.find((candidate) => candidate.account.id === accountId);
    if (!runtime) throw new AppError('internal', `Scheduler chose unknown account ${accountId}`);
    const key = this.context.keys.poolLeases(request.platform, accountId);
    return {
      runtime,
      lease: {
        platform: request.platform,
        accountId,
        requestId: request.requestId,
        key,
        untrack: this.leases.track(key, request.requestId),
      },
    };
  }

  /** Adds the release of leases on one account (same key) to a settle pipeline; the caller executes it. */
  releaseInto(pipeline: ChainableCommander, leases: readonly AccountLease[]): void {
    const first = leases[0];
    if (!first) return;
    for (const lease of leases) lease.untrack();
    pipeline.zrem(first.key, ...leases.map((lease) => lease.requestId));
  }

  async release(lease: AccountLease): Promise<void> {
    lease.untrack();
    await this.context.redis.zrem(lease.key, lease.requestId);
  }
}

function canServe(runtime: AccountRuntime, request: AcquireRequest): boolean {
  const { account } = runtime;
  if (account.state.kind !== 'active' || !account.schedulable) return false;
  if (request.exclude?.has(account.id)) return false;
  if (request.model === undefined || account.supportedModels.length === 0) return true;
  if (Object.hasOwn(account.modelMapping, request.model)) return true;
  return matchesAnyModelPattern(request.model, account.supportedModels);
}
