// Spend limits per user and per user group: stored in one Redis hash (there are few), held in memory on every
// instance and reloaded when any instance changes one, so admission resolves a user's caps without a round
// trip. A user's own limit for a period replaces what their groups set; among groups, the largest cap applies
// (a group grants a budget); null is an explicit "no cap".
import { AppError } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import { InvalidatingCache } from '../cache/invalidating-cache.js';
import type { EventBus } from '../events/event-bus.js';
import type { RedisContext } from '../redis/record-store.js';
import type { UserService } from '../users/user-service.js';
import { parseInput } from '../validation.js';
import {
  type EffectiveSpendLimit,
  type SetSpendLimitInput,
  SPEND_PERIODS,
  type SpendLimit,
  scopeKey,
  setSpendLimitInputSchema,
  storedSpendLimitSchema,
} from './spend-limit-types.js';

export const SPEND_LIMITS_TOPIC = 'spend-limits';
const MAX_LIMITS = 10_000;
const MICROS_PER_CENT = 10_000;
// Shared empty answers: admission asks for every request of an owned key, mostly when nothing applies.
const NO_LIMITS: EffectiveSpendLimit[] = [];
const NO_GROUPS: readonly string[] = [];

export class SpendLimitService {
  private limits: SpendLimit[] = [];
  private hasGroupLimits = false;
  /** The groups of users with owned keys, while group limits exist. */
  private readonly groupsOf: InvalidatingCache<readonly string[]>;

  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    private readonly users: UserService,
    private readonly now: () => number = Date.now,
  ) {
    this.groupsOf = new InvalidatingCache({ ttlMs: 30_000, maxEntries: 50_000, now });
  }

  async start(): Promise<void> {
    await this.bus.subscribe(SPEND_LIMITS_TOPIC, {
      onMessage: (message) => {
        if (message === 'users') this.groupsOf.clear();
        else void this.reload().catch(() => {});
      },
      onResync: () => {
        this.groupsOf.clear();
        void this.reload().catch(() => {});
      },
    });
    await this.reload();
  }

  async list(): Promise<SpendLimit[]> {
    await this.reload();
    return this.limits;
  }

  async get(id: string): Promise<SpendLimit | undefined> {
    const raw = await this.context.redis.hget(this.context.keys.spendLimits(), id);
    return raw ? storedSpendLimitSchema.parse(JSON.parse(raw)) : undefined;
  }

  /** Upsert keyed on (scope, period), as the Admin API's set is. */
  async set(input: SetSpendLimitInput): Promise<SpendLimit> {
    const fields = parseInput(setSpendLimitInputSchema, input);
    if (fields.scope.type === 'user' && !(await this.users.get(fields.scope.userId))) {
      throw new AppError('not_found', `No such user: ${fields.scope.userId}`, {
        details: { field: 'scope' },
      });
    }
    const current = await this.list();
    const existing = current.find(
      (limit) => scopeKey(limit.scope) === scopeKey(fields.scope) && limit.period === fields.period,
    );
    if (!existing && current.length >= MAX_LIMITS) {
      throw new AppError('conflict', `At most ${MAX_LIMITS} spend limits can be set`);
    }
    const now = this.now();
    const limit: SpendLimit = {
      id: existing?.id ?? newId('spl'),
      scope: fields.scope,
      period: fields.period,
      amountCents: fields.amountCents,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.context.redis.hset(this.context.keys.spendLimits(), limit.id, JSON.stringify(limit));
    await this.changed();
    return limit;
  }

  async delete(id: string): Promise<SpendLimit> {
    const limit = await this.get(id);
    if (!limit) throw new AppError('not_found', `No such spend limit: ${id}`);
    await this.context.redis.hdel(this.context.keys.spendLimits(), id);
    await this.changed();
    return limit;
  }

  /** A user's groups may have changed: their caps are resolved afresh. */
  async userChanged(): Promise<void> {
    this.groupsOf.clear();
    await this.bus.publish(SPEND_LIMITS_TOPIC, 'users');
  }

  /**
   * The caps on a user, per period, with where each comes from. Answered from memory (no promise) unless some
   * group has a limit and the user's groups are not cached: admission calls this for every owned key's request.
   */
  effective(userId: string): EffectiveSpendLimit[] | Promise<EffectiveSpendLimit[]> {
    if (this.limits.length === 0) return NO_LIMITS;
    if (!this.hasGroupLimits) return this.resolve(userId, NO_GROUPS);
    const groups = this.groupsOf.get(userId);
    if (groups) return this.resolve(userId, groups);
    return this.groupsOf
      .getOrLoad(userId, async () => (await this.users.get(userId))?.groups ?? [])
      .then((loaded) => this.resolve(userId, loaded));
  }

  /** The same resolution for a user whose groups are known (reports over many users). */
  resolve(userId: string, groups: readonly string[]): EffectiveSpendLimit[] {
    const result: EffectiveSpendLimit[] = [];
    for (const period of SPEND_PERIODS) {
      const own = this.limits.find(
        (limit) => limit.period === period && limit.scope.type === 'user' && limit.scope.userId === userId,
      );
      const chosen = own ?? this.largestGroupLimit(period, groups);
      if (!chosen) continue;
      result.push({
        period,
        amountMicros: chosen.amountCents === null ? undefined : chosen.amountCents * MICROS_PER_CENT,
        source: chosen.scope,
        limitId: chosen.id,
      });
    }
    return result;
  }

  private largestGroupLimit(period: string, groups: readonly string[]): SpendLimit | undefined {
    let best: SpendLimit | undefined;
    for (const limit of this.limits) {
      if (limit.period !== period || limit.scope.type !== 'group' || !groups.includes(limit.scope.group))
        continue;
      // null (no cap) is the largest of all.
      if (
        !best ||
        limit.amountCents === null ||
        (best.amountCents !== null && limit.amountCents > best.amountCents)
      ) {
        best = limit;
      }
    }
    return best;
  }

  private async changed(): Promise<void> {
    await this.reload();
    await this.bus.publish(SPEND_LIMITS_TOPIC, 'limits');
  }

  private async reload(): Promise<void> {
    const raw = await this.context.redis.hgetall(this.context.keys.spendLimits());
    const limits: SpendLimit[] = [];
    for (const value of Object.values(raw)) {
      const parsed = storedSpendLimitSchema.safeParse(JSON.parse(value));
      if (parsed.success) limits.push(parsed.data);
    }
    limits.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    this.limits = limits;
    this.hasGroupLimits = limits.some((limit) => limit.scope.type === 'group');
  }
}
