// Evaluates the alert rules on every instance: from the settle stream (windowed rates, latency, keys near a
// limit), account state events, the reconciler's reports, and the rollups (spend). Instances see the same events
// and reach the same decisions; AlertFiring makes each change once in Redis, and whoever makes it announces it.
import type { Logger } from '../../lib/logger.js';
import { ACCOUNT_STATE_TOPIC, stateChangeSchema } from '../accounts/account-health.js';
import type { KeyUsage } from '../admission/key-usage.js';
import type { EventBus } from '../events/event-bus.js';
import { type JobStatus, JobTracker } from '../jobs/job-status.js';
import { decodeLedgerBatch, LEDGER_TOPIC, type LedgerEntry } from '../usage/ledger-entry.js';
import type { AlertAnnouncer } from './alert-announcer.js';
import {
  type Decision,
  type Facts,
  highestLimitShare,
  percent,
  spendDecision,
  windowDecision,
} from './alert-conditions.js';
import type { AlertFiring } from './alert-firing.js';
import { ALERT_RULES_TOPIC, type AlertRuleService } from './alert-rule-service.js';
import type { AlertCondition, AlertRule } from './alert-rule-types.js';
import { WindowStats } from './window-stats.js';

/** The reconciler's report of one pass, as it publishes it when something was reclaimed (and once after). */
export const RECONCILE_TOPIC = 'reconcile';

/** What the evaluator reads beyond events; the container wires these to the services that know. */
export interface AlertSources {
  accountState(accountId: string): Promise<{ kind: string; reason?: string; name?: string } | undefined>;
  keyUsage(keyId: string): Promise<{ usage: KeyUsage; name: string } | undefined>;
  /** Spend (micro-USD) of this hour so far and of each of the trailing complete hours. */
  hourlySpend(
    scope: 'global' | 'key' | 'account',
    subject: string,
    hours: number,
    now: number,
  ): Promise<{ current: number; trailing: number[] }>;
  /** The key or account ids that spent most this hour. */
  topSpenders(scope: 'key' | 'account', now: number): Promise<string[]>;
}

export interface AlertEvaluatorOptions {
  /** How often windowed and polled conditions are evaluated. */
  tickMs?: number;
  /** How often spend is compared with its trailing hours (rollup reads). */
  spendEveryMs?: number;
}

type Desired = 'firing' | 'ok';

export class AlertEvaluator {
  private rules: AlertRule[] = [];
  private readonly windows = new Map<string, { windowMs: number; stats: WindowStats }>();
  private readonly seenKeys = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private lastSpendAt = 0;
  private readonly tracker = new JobTracker('alerts', () => this.timer !== undefined);
  private readonly tickMs: number;
  private readonly spendEveryMs: number;

  constructor(
    private readonly bus: EventBus,
    private readonly ruleService: AlertRuleService,
    private readonly firing: AlertFiring,
    private readonly announcer: AlertAnnouncer,
    private readonly sources: AlertSources,
    private readonly logger: Logger,
    options: AlertEvaluatorOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.tickMs = options.tickMs ?? 5_000;
    this.spendEveryMs = options.spendEveryMs ?? 60_000;
  }

  status(): JobStatus {
    return this.tracker.status();
  }

  async start(): Promise<void> {
    const reload = { onMessage: () => void this.reload(), onResync: () => void this.reload() };
    await this.bus.subscribe(ALERT_RULES_TOPIC, reload);
    await this.bus.subscribe(LEDGER_TOPIC, { onMessage: (message) => this.onLedger(message) });
    await this.bus.subscribe(ACCOUNT_STATE_TOPIC, { onMessage: (message) => this.onStateChange(message) });
    await this.bus.subscribe(RECONCILE_TOPIC, { onMessage: (message) => this.onReconcile(message) });
    await this.reload();
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** One evaluation of the polled conditions now (the timer's pass; tests call it to skip the wait). */
  tick(): Promise<void> {
    this.ticking ??= this.tracker
      .pass(() => this.evaluate())
      .catch((error: unknown) => this.logger.error({ err: error }, 'alert evaluation failed'))
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  /**
   * Reads the rules again now; every instance also does on each change's notice (a notice that arrives after
   * the first events of a new rule leaves those events unseen by it).
   */
  async reload(): Promise<void> {
    try {
      this.rules = (await this.ruleService.all()).filter((rule) => rule.enabled);
      for (const rule of this.rules) {
        const { condition } = rule;
        if (condition.kind !== 'error_rate' && condition.kind !== 'latency_p95') continue;
        const held = this.windows.get(rule.id);
        if (!held || held.windowMs !== condition.windowMs)
          this.windows.set(rule.id, {
            windowMs: condition.windowMs,
            stats: new WindowStats(condition.windowMs),
          });
      }
      const live = new Set(this.rules.map((rule) => rule.id));
      for (const id of this.windows.keys()) if (!live.has(id)) this.windows.delete(id);
    } catch (error) {
      this.logger.error({ err: error }, 'could not load alert rules');
    }
  }

  private onLedger(message: string): void {
    if (this.rules.length === 0) return;
    const now = this.now();
    for (const entry of decodeLedgerBatch(message)) {
      // An attempt that failed over is part of a request, not one of its own.
      if (entry.outcome === 'failed_over') continue;
      this.seenKeys.add(entry.keyId);
      for (const rule of this.rules) {
        const held = this.windows.get(rule.id);
        const subject = held && windowSubject(rule.condition, entry);
        if (held && subject !== undefined) {
          held.stats.add(subject, now, entry.outcome === 'upstream_error', entry.latencyMs);
        }
      }
    }
  }

  private onStateChange(message: string): void {
    let change: ReturnType<typeof stateChangeSchema.parse>;
    try {
      change = stateChangeSchema.parse(JSON.parse(message));
    } catch {
      return;
    }
    for (const rule of this.rules) {
      const { condition } = rule;
      if (condition.kind !== 'account_state') continue;
      if (condition.accountId !== undefined && condition.accountId !== change.accountId) continue;
      if (condition.platform !== undefined && condition.platform !== change.platform) continue;
      const watched = (condition.states as readonly string[]).includes(change.to);
      const facts: Facts = {
        state: change.to,
        platform: change.platform,
        ...(change.reason ? { reason: change.reason } : {}),
      };
      if (change.until > 0) facts.until = new Date(change.until).toISOString();
      void this.decide(rule, change.accountId, { firing: watched, facts }, this.now());
    }
  }

  private onReconcile(message: string): void {
    let report: Record<string, unknown>;
    try {
      report = JSON.parse(message) as Record<string, unknown>;
    } catch {
      return;
    }
    const counts: Facts = {};
    let total = 0;
    for (const name of ['lostRequests', 'keyLeases', 'accountLeases']) {
      const value = Number(report[name]) || 0;
      counts[name] = value;
      total += value;
    }
    for (const rule of this.rules) {
      if (rule.condition.kind === 'leak')
        void this.decide(rule, 'relay', { firing: total > 0, facts: counts }, this.now());
    }
  }

  private async evaluate(): Promise<void> {
    const now = this.now();
    const keys = [...this.seenKeys];
    this.seenKeys.clear();
    const spendDue = now - this.lastSpendAt >= this.spendEveryMs;
    if (spendDue) this.lastSpendAt = now;
    for (const rule of this.rules) {
      const firing = await this.firing.firing(rule.id);
      const { condition } = rule;
      switch (condition.kind) {
        case 'error_rate':
        case 'latency_p95': {
          const summaries = this.windows.get(rule.id)?.stats.summaries(now) ?? new Map();
          for (const [subject, summary] of summaries) {
            const decision = windowDecision(condition, summary);
            if (decision) await this.decide(rule, subject, decision, now, firing);
          }
          // A subject with no traffic left in the window has nothing wrong with it any more.
          for (const subject of firing.keys())
            if (!summaries.has(subject))
              await this.decide(rule, subject, { firing: false, facts: {} }, now, firing);
          break;
        }
        case 'key_limit':
          for (const keyId of new Set([...keys, ...firing.keys()])) {
            if (condition.keyId !== undefined && condition.keyId !== keyId) continue;
            await this.decide(rule, keyId, await this.keyDecision(keyId, condition.percent), now, firing);
          }
          break;
        case 'account_state':
          // Timed states end by themselves, with no event: a firing subject is checked until it recovers.
          for (const accountId of firing.keys()) {
            const state = await this.sources.accountState(accountId);
            const still = state !== undefined && (condition.states as readonly string[]).includes(state.kind);
            if (!still)
              await this.decide(
                rule,
                accountId,
                { firing: false, facts: state?.name ? { name: state.name } : {} },
                now,
                firing,
              );
          }
          break;
        case 'spend_anomaly':
          if (spendDue) await this.evaluateSpend(rule, condition, firing, now);
          break;
        case 'leak':
          break;
      }
    }
  }

  private async keyDecision(keyId: string, threshold: number): Promise<Decision> {
    const found = await this.sources.keyUsage(keyId);
    const top = found && highestLimitShare(found.usage);
    if (!found || !top) return { firing: false, facts: {} };
    return {
      firing: top.share * 100 >= threshold,
      facts: { name: found.name, limit: top.limit, used: percent(top.share) },
    };
  }

  private async evaluateSpend(
    rule: AlertRule,
    condition: Extract<AlertCondition, { kind: 'spend_anomaly' }>,
    firing: Map<string, number>,
    now: number,
  ): Promise<void> {
    const subjects =
      condition.scope === 'global'
        ? ['all']
        : condition.subject !== undefined
          ? [condition.subject]
          : [...new Set([...(await this.sources.topSpenders(condition.scope, now)), ...firing.keys()])];
    for (const subject of subjects) {
      const spend = await this.sources.hourlySpend(condition.scope, subject, condition.trailingHours, now);
      await this.decide(rule, subject, spendDecision(condition, spend.current, spend.trailing), now, firing);
    }
  }

  /** Makes the change in Redis when the decision differs from what is known, and announces it if this instance made it. */
  private async decide(
    rule: AlertRule,
    subject: string,
    decision: Decision,
    now: number,
    known?: Map<string, number>,
  ): Promise<void> {
    const desired: Desired = decision.firing ? 'firing' : 'ok';
    if (known && known.has(subject) === decision.firing) return;
    try {
      const transition = await this.firing.move(rule, subject, desired, now);
      if (transition.kind !== 'fire' && transition.kind !== 'resolve') return;
      await this.announcer.announce(
        rule,
        subject,
        transition.kind === 'fire' ? 'firing' : 'resolved',
        transition.firedAt,
        decision.facts,
        now,
      );
    } catch (error) {
      this.logger.error({ err: error, ruleId: rule.id, subject }, 'alert transition failed');
    }
  }
}

function windowSubject(condition: AlertCondition, entry: LedgerEntry): string | undefined {
  if (condition.kind !== 'error_rate' && condition.kind !== 'latency_p95') return undefined;
  const subject =
    condition.scope === 'global' ? 'all' : condition.scope === 'account' ? entry.accountId : entry.model;
  if (subject === undefined) return undefined;
  return condition.subject === undefined || condition.subject === subject ? subject : undefined;
}
