// Alert rules as the control plane manages them: readers list rules and the alert history, managers create,
// change and delete rules, every change audited.
import type { AlertFiring } from '../alerts/alert-firing.js';
import type { AlertRuleService } from '../alerts/alert-rule-service.js';
import type {
  AlertEvent,
  AlertRule,
  CreateAlertRuleInput,
  UpdateAlertRuleInput,
} from '../alerts/alert-rule-types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { RecordPage } from '../redis/pagination.js';
import { cursorOf } from '../request-log/stream-ids.js';
import { MANAGERS, READERS, requireRole } from './roles.js';

/** A rule with the subjects it is firing for now (and since when). */
export interface AlertRuleView extends AlertRule {
  firing: Array<{ subject: string; since: number }>;
}

export class AlertAdmin {
  constructor(
    private readonly rules: AlertRuleService,
    private readonly firing: AlertFiring,
    private readonly audit: AuditLog,
  ) {}

  async list(
    actor: Principal,
    options: { limit?: number; cursor?: string },
  ): Promise<RecordPage<AlertRuleView>> {
    requireRole(actor, READERS);
    const page = await this.rules.list(options);
    return { ...page, items: await Promise.all(page.items.map((rule) => this.view(rule))) };
  }

  async get(actor: Principal, id: string): Promise<AlertRuleView> {
    requireRole(actor, READERS);
    return this.view(await this.rules.require(id));
  }

  /** Firings and their ends, newest first. */
  async history(
    actor: Principal,
    options: { limit?: number; cursor?: string },
  ): Promise<{ items: AlertEvent[]; nextCursor?: string }> {
    requireRole(actor, READERS);
    cursorOf(options.cursor, 'cursor');
    return this.firing.history(Math.min(Math.max(options.limit ?? 50, 1), 500), options.cursor);
  }

  async create(actor: Principal, input: CreateAlertRuleInput): Promise<AlertRuleView> {
    requireRole(actor, MANAGERS);
    const rule = await this.rules.create(input);
    await this.audit.record({
      actor: actor.userId,
      action: 'alert_rule.create',
      target: rule.id,
      after: rule,
    });
    return this.view(rule);
  }

  async update(actor: Principal, id: string, patch: UpdateAlertRuleInput): Promise<AlertRuleView> {
    requireRole(actor, MANAGERS);
    const before = await this.rules.require(id);
    const after = await this.rules.update(id, patch);
    await this.audit.record({ actor: actor.userId, action: 'alert_rule.update', target: id, before, after });
    return this.view(after);
  }

  async delete(actor: Principal, id: string): Promise<void> {
    requireRole(actor, MANAGERS);
    const before = await this.rules.require(id);
    await this.rules.delete(id);
    await this.audit.record({ actor: actor.userId, action: 'alert_rule.delete', target: id, before });
  }

  private async view(rule: AlertRule): Promise<AlertRuleView> {
    const firing = await this.firing.firing(rule.id);
    return { ...rule, firing: [...firing].map(([subject, since]) => ({ subject, since })) };
  }
}
