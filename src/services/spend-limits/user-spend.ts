// What people have spent in the current day, week and month across all their keys, beside the caps that
// apply to them: the spend limits' effective report.
import type { LimitCalendar } from '../admission/limit-periods.js';
import type { RedisContext } from '../redis/record-store.js';
import { getMany } from '../redis/slot-spanning.js';
import type { User } from '../users/user-types.js';
import type { SpendLimitService } from './spend-limit-service.js';
import { SPEND_PERIODS, type SpendPeriod, type SpendScope } from './spend-limit-types.js';

export interface EffectiveSpend {
  user: Pick<User, 'id' | 'username'>;
  period: SpendPeriod;
  /** Undefined: no cap applies for this period. */
  amountMicros: number | undefined;
  spentMicros: number;
  resetsAt: number;
  source: SpendScope | undefined;
  limitId: string | undefined;
}

export class UserSpend {
  constructor(
    private readonly context: RedisContext,
    private readonly limits: SpendLimitService,
    private readonly calendar: LimitCalendar,
    private readonly now: () => number = Date.now,
  ) {}

  /** One row per user and period, in one round trip for all of them. */
  async effective(users: readonly User[]): Promise<EffectiveSpend[]> {
    const periods = this.calendar.periodsAt(this.now());
    const suffixes: Record<SpendPeriod, string> = {
      daily: `spend:day:${periods.day}`,
      weekly: `spend:week:${periods.week}`,
      monthly: `spend:month:${periods.month}`,
    };
    const ends: Record<SpendPeriod, number> = {
      daily: periods.dayEndsAt,
      weekly: periods.weekEndsAt,
      monthly: periods.monthEndsAt,
    };
    const names = users.flatMap((user) =>
      SPEND_PERIODS.map((period) => `${this.context.keys.userSpendPrefix(user.id)}${suffixes[period]}`),
    );
    const values = await getMany(this.context.redis, names);
    return users.flatMap((user, userIndex) => {
      const caps = this.limits.resolve(user.id, user.groups);
      return SPEND_PERIODS.map((period, periodIndex) => {
        const cap = caps.find((limit) => limit.period === period);
        return {
          user: { id: user.id, username: user.username },
          period,
          amountMicros: cap?.amountMicros,
          spentMicros: Number(values[userIndex * SPEND_PERIODS.length + periodIndex] ?? 0),
          resetsAt: ends[period],
          source: cap?.source,
          limitId: cap?.limitId,
        };
      });
    });
  }
}
