// Chooses the upstream account for a request and holds its lease: filter in process, choose and lease in Redis.
import type { ChainableCommander } from 'ioredis';
import { AppError } from '../../errors/app-error.js';
import { TurnBatch } from '../../lib/turn-batch.js';
import type { AccountGroupService } from '../accounts/account-group-service.js';
import type { AccountService } from '../accounts/account-service.js';
import { type AccountRuntime, type AccountType, mapsModel } from '../accounts/account-types.js';
import { rateLimitScope } from '../domain/model-family.js';
import { matchesAnyModelPattern } from '../domain/model-patterns.js';
import type { LeaseKeeper } from '../leases/lease-keeper.js';
import type { RedisContext } from '../redis/record-store.js';
import { scriptErrorFromCode } from '../redis/script-errors.js';

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
  /**
   * The conversation this request continues, scoped to its key: its requests stay on one account (and its
   * prompt cache) while that account can serve. Two keys never share a pin, even with identical prompts.
   */
  session?: { keyId: string; id: string } | undefined;
  /** Only accounts of these kinds (say, calls that only Anthropic's own API answers); all when absent. */
  types?: readonly AccountType[] | undefined;
  /** The key's binding for this pool: its account or group is chosen before any other. */
  binding?: KeyBinding | undefined;
}

export interface KeyBinding {
  accountId?: string | undefined;
  groupId?: string | undefined;
  /** When nothing bound can serve: refuse the request, or take any account of the pool. */
  fallback: 'fail' | 'pool';
}

interface Candidate {
  runtime: AccountRuntime;
  /** 0 for bound accounts (or every account when the key is unbound), 1 for the pool behind them. */
  tier: 0 | 1;
}

export interface Acquired {
  runtime: AccountRuntime;
  lease: AccountLease;
  /** The session's pin chose this account. */
  sticky: boolean;
}

export interface SchedulerOptions {
  /** How long a session stays pinned without a request; aligned with the provider's prompt-cache lifetime. */
  stickyTtlMs: number;
}

interface PendingAcquire {
  platform: string;
  requestId: string;
  family: string;
  sticky: string;
  candidates: Candidate[];
  resolve: (acquired: Acquired) => void;
  reject: (error: unknown) => void;
}

export class AccountScheduler {
  /** Acquisitions waiting for this turn's flush; one script call per pool. */
  private readonly batch = new TurnBatch<PendingAcquire>((items) => this.flush(items));

  constructor(
    private readonly context: RedisContext,
    private readonly accounts: AccountService,
    private readonly leases: LeaseKeeper,
    private readonly groups: AccountGroupService,
    private readonly options: SchedulerOptions = { stickyTtlMs: 300_000 },
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Chooses and leases an account. Requests arriving in the same event-loop turn share one Redis call: under
   * load that turns one write and one read per request into one per turn.
   */
  async acquire(request: AcquireRequest): Promise<Acquired> {
    const candidates = await this.candidates(request);
    return new Promise((resolve, reject) => {
      this.batch.add({
        platform: request.platform,
        requestId: request.requestId,
        family: (request.model && rateLimitScope(request.model)) ?? '',
        sticky: request.session ? `sticky:${request.session.keyId}:${request.session.id}` : '',
        candidates,
        resolve,
        reject,
      });
    });
  }

  /**
   * The accounts a request like this one may be given, bound ones first, none leased: what `acquire` chooses
   * from, and what an answer describing the pool (a model list) describes. Throws when there are none.
   */
  async servingAccounts(request: AcquireRequest): Promise<AccountRuntime[]> {
    return (await this.candidates(request)).map((candidate) => candidate.runtime);
  }

  private async candidates(request: AcquireRequest): Promise<Candidate[]> {
    const pool = await this.accounts.poolRuntimes(request.platform);
    const eligible = pool.filter((runtime) => canServe(runtime, request));
    const candidates = await this.tiered(eligible, request.binding);
    if (candidates.length === 0 && request.binding && eligible.length > 0) {
      throw new AppError(
        'no_account_available',
        `No account bound to this key can serve ${request.model ?? request.platform} requests`,
        { details: { platform: request.platform, model: request.model, reason: 'binding_unavailable' } },
      );
    }
    if (candidates.length === 0) {
      throw new AppError(
        'no_account_available',
        request.model === undefined
          ? `No schedulable ${request.platform} account is available`
          : `No schedulable ${request.platform} account serves model ${request.model}`,
        { details: { platform: request.platform, model: request.model, reason: 'no_candidate' } },
      );
    }
    return candidates;
  }

  /** Bound accounts first; with fallback `fail`, only them. */
  private async tiered(eligible: AccountRuntime[], binding: KeyBinding | undefined): Promise<Candidate[]> {
    if (!binding || (binding.accountId === undefined && binding.groupId === undefined)) {
      // A dedicated account serves only the keys bound to it.
      return eligible.flatMap((runtime) => (runtime.account.dedicated ? [] : [{ runtime, tier: 0 }]));
    }
    const bound: ReadonlySet<string> =
      binding.accountId !== undefined
        ? new Set([binding.accountId])
        : await this.groups.members(binding.groupId ?? '');
    const candidates: Candidate[] = [];
    for (const runtime of eligible) {
      const isBound = bound.has(runtime.account.id);
      if (isBound) candidates.push({ runtime, tier: 0 });
      else if (binding.fallback === 'pool' && !runtime.account.dedicated)
        candidates.push({ runtime, tier: 1 });
    }
    return candidates;
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

  private async flush(items: PendingAcquire[]): Promise<void> {
    const byPlatform = new Map<string, PendingAcquire[]>();
    for (const item of items) {
      const group = byPlatform.get(item.platform);
      if (group) group.push(item);
      else byPlatform.set(item.platform, [item]);
    }
    await Promise.all([...byPlatform].map(([platform, group]) => this.acquireBatch(platform, group)));
  }

  private async acquireBatch(platform: string, batch: PendingAcquire[]): Promise<void> {
    const { keys, scripts } = this.context;
    const args: Array<string | number> = [
      keys.poolSlotPrefix(platform),
      this.now(),
      this.leases.ttlMs,
      this.options.stickyTtlMs,
      batch.length,
    ];
    // Every key the choice may touch is declared (a cluster checks only declared keys): each candidate's state
    // and leases, and each sticky pin.
    const declared = new Set<string>([keys.poolLastUsed(platform)]);
    for (const item of batch) {
      args.push(item.requestId, item.family, item.sticky, item.candidates.length);
      if (item.sticky !== '') declared.add(`${keys.poolSlotPrefix(platform)}${item.sticky}`);
      for (const { runtime, tier } of item.candidates) {
        const { account } = runtime;
        args.push(account.id, tier, account.priority, account.maxConcurrency, account.weight);
        declared.add(keys.poolSchedule(platform, account.id));
        declared.add(keys.poolLeases(platform, account.id));
      }
    }
    let results: unknown;
    try {
      results = await scripts.run('account-acquire-batch', [...declared], args);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, index) => {
      const result = Array.isArray(results) ? results[index] : undefined;
      if (!Array.isArray(result) || result[0] !== 'ok') {
        const [code, detail] = Array.isArray(result) ? result : [];
        item.reject(scriptErrorFromCode(String(code ?? 'UNKNOWN'), String(detail ?? '{}')));
        return;
      }
      const accountId = String(result[1]);
      const runtime = item.candidates.find(
        (candidate) => candidate.runtime.account.id === accountId,
      )?.runtime;
      if (!runtime) {
        item.reject(new AppError('internal', `Scheduler chose unknown account ${accountId}`));
        return;
      }
      const key = keys.poolLeases(platform, accountId);
      item.resolve({
        runtime,
        sticky: result[3] === 1,
        lease: {
          platform,
          accountId,
          requestId: item.requestId,
          key,
          untrack: this.leases.track(key, item.requestId),
        },
      });
    });
  }
}

function canServe(runtime: AccountRuntime, request: AcquireRequest): boolean {
  const { account } = runtime;
  if (account.state.kind !== 'active' || !account.schedulable) return false;
  if (request.exclude?.has(account.id)) return false;
  if (request.types && !request.types.includes(account.type)) return false;
  if (request.model === undefined || account.supportedModels.length === 0) return true;
  if (mapsModel(account, request.model)) return true;
  return matchesAnyModelPattern(request.model, account.supportedModels);
}
