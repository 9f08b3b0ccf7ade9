// Account health: moves accounts between states on upstream signals, records each transition in the
// account's history and announces it, and keeps the rate-limit headroom the scheduler prefers.
import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import type { EventBus } from '../events/event-bus.js';
import type { RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import {
  type HealthSettings,
  type LiveStateKind,
  lowHeadroom,
  type RateLimitReading,
  type Transition,
  transitionFor,
  type UpstreamSignal,
} from './account-signals.js';
import type { AccountRuntime } from './account-types.js';

export const ACCOUNT_STATE_TOPIC = 'account-state';
const HISTORY_LENGTH = 200;

export const stateChangeSchema = z.object({
  accountId: z.string(),
  platform: z.string(),
  at: z.number(),
  from: z.string(),
  to: z.string(),
  until: z.number(),
  reason: z.string(),
  family: z.string().optional(),
});
export type StateChange = z.infer<typeof stateChangeSchema>;

export interface LiveState {
  kind: LiveStateKind;
  /** Ms since the epoch; undefined for states without an end. */
  until: number | undefined;
  reason: string | undefined;
  /** Model families rate-limited on their own, with the time each is free again. */
  families: Record<string, number>;
  lowHeadroom: boolean;
}

export class AccountHealth {
  /** The headroom flag last written per account: written again only when it flips. */
  private readonly headroom = new Map<string, boolean>();

  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    private readonly settings: HealthSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Applies what an upstream answer says about the account; returns the change it caused, if any. */
  async observe(
    runtime: AccountRuntime,
    signal: UpstreamSignal,
    model: string | undefined,
  ): Promise<StateChange | undefined> {
    const { account } = runtime;
    if (signal.kind === 'answered' && signal.status < 400) {
      await this.observeSuccess(runtime, signal.headers, signal.limits);
      return undefined;
    }
    const transition = transitionFor(signal, model, this.now(), this.settings);
    return transition ? this.move(account.id, account.platform, transition) : undefined;
  }

  /** Back to active, clearing family limits: an operator's reset, or a successful connection test. */
  reset(accountId: string, platform: string, reason = 'reset'): Promise<StateChange | undefined> {
    return this.move(accountId, platform, { to: 'active', until: 0, reason });
  }

  async state(accountId: string, platform: string): Promise<LiveState> {
    const fields = await this.context.redis.hgetall(this.context.keys.poolSchedule(platform, accountId));
    const now = this.now();
    const until = Number(fields.until ?? 0);
    const stored = (fields.state ?? 'active') as LiveStateKind;
    // A timed state whose time has passed is active again, as the scheduler sees it.
    const expired = stored !== 'auth_failed' && stored !== 'active' && until <= now;
    const families: Record<string, number> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (field.startsWith('rl:') && Number(value) > now) families[field.slice(3)] = Number(value);
    }
    return {
      kind: expired ? 'active' : stored,
      until: expired || until === 0 ? undefined : until,
      reason: expired ? undefined : fields.reason,
      families,
      lowHeadroom: fields.low === '1',
    };
  }

  async history(accountId: string, limit = 50): Promise<StateChange[]> {
    const raw = await this.context.redis.lrange(this.context.keys.accountHistory(accountId), 0, limit - 1);
    return raw.flatMap((line) => {
      const parsed = stateChangeSchema.safeParse(JSON.parse(line));
      return parsed.success ? [parsed.data] : [];
    });
  }

  private async move(
    accountId: string,
    platform: string,
    transition: Transition,
  ): Promise<StateChange | undefined> {
    const { keys, scripts, redis } = this.context;
    const now = this.now();
    const result = await scripts.run(
      'account-state',
      [keys.poolSchedule(platform, accountId)],
      [now, transition.to, transition.until, transition.reason, transition.family ?? ''],
    );
    const [from, , changed] = Array.isArray(result) ? result : [];
    if (changed !== 1) return undefined;
    const change: StateChange = {
      accountId,
      platform,
      at: now,
      from: String(from),
      to: transition.family ? `${transition.to}:${transition.family}` : transition.to,
      until: transition.until,
      reason: transition.reason,
      ...(transition.family ? { family: transition.family } : {}),
    };
    const line = JSON.stringify(change);
    await crossSlotPipeline(redis)
      .lpush(keys.accountHistory(accountId), line)
      .ltrim(keys.accountHistory(accountId), 0, HISTORY_LENGTH - 1)
      .exec();
    await this.bus.publish(ACCOUNT_STATE_TOPIC, line);
    this.logger.warn(change, 'account state changed');
    return change;
  }

  /**
   * Notes the rate-limit headroom a successful answer reports. Synchronous (no promise) unless the account's
   * headroom flag flips and must be written: this runs after every relayed request.
   */
  observeSuccess(
    runtime: AccountRuntime,
    headers: Record<string, string | string[] | undefined>,
    limits?: RateLimitReading,
  ): Promise<void> | undefined {
    const { id, platform } = runtime.account;
    const low = limits?.low ?? lowHeadroom(headers);
    if (low === undefined || this.headroom.get(id) === low) return undefined;
    this.headroom.set(id, low);
    return this.context.redis
      .hset(this.context.keys.poolSchedule(platform, id), 'low', low ? '1' : '0')
      .then(() => undefined);
  }
}
