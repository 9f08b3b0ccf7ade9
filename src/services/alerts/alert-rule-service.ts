// Alert rules in Redis: CRUD, an index to page them, and a pub/sub notice so every instance's evaluator picks
// up a change at once.
import { AppError } from '../../errors/app-error.js';
import { newId } from '../../lib/ids.js';
import type { EventBus } from '../events/event-bus.js';
import { pageOfRecords, type RecordPage } from '../redis/pagination.js';
import { execOrThrow, modifyRecord, type RedisContext } from '../redis/record-store.js';
import { crossSlotPipeline } from '../redis/slot-spanning.js';
import { parseInput } from '../validation.js';
import {
  type AlertRule,
  alertRuleSchema,
  type CreateAlertRuleInput,
  createAlertRuleInputSchema,
  type UpdateAlertRuleInput,
  updateAlertRuleInputSchema,
} from './alert-rule-types.js';

export const ALERT_RULES_TOPIC = 'alert-rules';

/** Rules one deployment may have: evaluated on every instance, so they are kept few. */
const MAX_RULES = 200;

export class AlertRuleService {
  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    /** Refuses channel ids that do not exist (the notification service's lookup). */
    private readonly channelExists: (id: string) => Promise<boolean>,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: CreateAlertRuleInput): Promise<AlertRule> {
    const fields = parseInput(createAlertRuleInputSchema, input);
    await this.requireChannels(fields.channelIds);
    const { redis, keys } = this.context;
    if ((await redis.zcard(keys.alertRulesIndex())) >= MAX_RULES) {
      throw new AppError('conflict', `There are already ${MAX_RULES} alert rules, the most allowed`);
    }
    const now = this.now();
    const rule = alertRuleSchema.parse({ ...fields, id: newId('alr'), createdAt: now, updatedAt: now });
    await execOrThrow(
      crossSlotPipeline(redis)
        .set(keys.alertRule(rule.id), JSON.stringify(rule))
        .zadd(keys.alertRulesIndex(), now, rule.id),
    );
    await this.bus.publish(ALERT_RULES_TOPIC, rule.id);
    return rule;
  }

  async get(id: string): Promise<AlertRule | undefined> {
    const raw = await this.context.redis.get(this.context.keys.alertRule(id));
    return raw ? parse(raw) : undefined;
  }

  async require(id: string): Promise<AlertRule> {
    const rule = await this.get(id);
    if (!rule) throw new AppError('not_found', `Alert rule ${id} does not exist`);
    return rule;
  }

  list(options: { limit?: number; cursor?: string } = {}): Promise<RecordPage<AlertRule>> {
    const { redis, keys } = this.context;
    return pageOfRecords(redis, keys.alertRulesIndex(), options, keys.alertRule, parse);
  }

  /** Every rule, for the evaluators (there are at most MAX_RULES). */
  async all(): Promise<AlertRule[]> {
    return (await this.list({ limit: MAX_RULES })).items;
  }

  async update(id: string, patch: UpdateAlertRuleInput): Promise<AlertRule> {
    const changes = parseInput(updateAlertRuleInputSchema, patch);
    if (changes.channelIds) await this.requireChannels(changes.channelIds);
    const { next } = await modifyRecord(
      this.context,
      this.context.keys.alertRule(id),
      id,
      { noun: 'Alert rule', parse },
      (current) => alertRuleSchema.parse({ ...current, ...changes, id, updatedAt: this.now() }),
    );
    await this.bus.publish(ALERT_RULES_TOPIC, id);
    return next;
  }

  async delete(id: string): Promise<void> {
    const { redis, keys } = this.context;
    const [[, removed] = [null, 0]] = await execOrThrow(
      crossSlotPipeline(redis)
        .del(keys.alertRule(id))
        .zrem(keys.alertRulesIndex(), id)
        .del(keys.alertFiring(id)),
    );
    if (removed === 0) throw new AppError('not_found', `Alert rule ${id} does not exist`);
    await this.bus.publish(ALERT_RULES_TOPIC, id);
  }

  private async requireChannels(ids: readonly string[]): Promise<void> {
    for (const [index, id] of ids.entries()) {
      if (!(await this.channelExists(id))) {
        throw new AppError('invalid_request', `channelIds.${index}: channel ${id} does not exist`, {
          details: { field: `channelIds.${index}` },
        });
      }
    }
  }
}

function parse(raw: string): AlertRule {
  return alertRuleSchema.parse(JSON.parse(raw));
}
