// Text rendering of alert rules for the admin CLI: a condition in one line, a rule with what it is firing for,
// and the alert history.
import type { AlertCondition, AlertEvent } from '../services/alerts/alert-rule-types.js';
import type { AlertRuleView } from '../services/control/alert-admin.js';
import { formatMs } from './args.js';
import { fields, formatTime, formatUsdShort, table } from './output.js';

function scoped(condition: { scope: string; subject?: string | undefined }): string {
  if (condition.scope === 'global') return 'all traffic';
  return condition.subject === undefined
    ? `each ${condition.scope}`
    : `${condition.scope} ${condition.subject}`;
}

/** What the rule watches, in one line. */
export function conditionText(condition: AlertCondition): string {
  switch (condition.kind) {
    case 'account_state': {
      const which =
        condition.accountId ?? (condition.platform ? `${condition.platform} accounts` : 'any account');
      return `${which} ${condition.states.join(' or ')}`;
    }
    case 'key_limit':
      return `${condition.keyId ?? 'any key'} at ${condition.percent}% of a limit`;
    case 'error_rate':
      return `errors ≥ ${Number((condition.threshold * 100).toFixed(4))}% of ${scoped(condition)} over ${formatMs(condition.windowMs)} (min ${condition.minRequests} requests)`;
    case 'latency_p95':
      return `p95 latency ≥ ${formatMs(condition.thresholdMs)} for ${scoped(condition)} over ${formatMs(condition.windowMs)} (min ${condition.minRequests} requests)`;
    case 'spend_anomaly':
      return `hourly spend of ${scoped(condition)} ≥ ${condition.factor}× its ${condition.trailingHours}h average, at least ${formatUsdShort(condition.minCostMicros)}`;
    case 'leak':
      return 'leaked claims or leases reclaimed';
    default: {
      const unknown: never = condition;
      return String(unknown);
    }
  }
}

export const RULE_HEADERS = ['id', 'name', 'kind', 'severity', 'state', 'firing', 'condition'];

export function ruleRows(rules: readonly AlertRuleView[]): string[][] {
  return rules.map((rule) => [
    rule.id,
    rule.name,
    rule.condition.kind,
    rule.severity,
    rule.enabled ? 'enabled' : 'disabled',
    String(rule.firing.length),
    conditionText(rule.condition),
  ]);
}

export function describeRule(rule: AlertRuleView): string {
  return fields([
    ['id', rule.id],
    ['name', rule.name],
    ['state', rule.enabled ? 'enabled' : 'disabled'],
    ['severity', rule.severity],
    ['kind', rule.condition.kind],
    ['condition', conditionText(rule.condition)],
    ['channels', rule.channelIds.length === 0 ? '-' : rule.channelIds.join(', ')],
    ['cooldown', formatMs(rule.cooldownMs)],
    ['created', formatTime(rule.createdAt)],
    ['updated', formatTime(rule.updatedAt)],
  ]);
}

export function firingTable(rule: AlertRuleView): string {
  if (rule.firing.length === 0) return 'Not firing.';
  return table(
    ['subject', 'since'],
    rule.firing.map((firing) => [firing.subject, formatTime(firing.since) ?? '']),
  );
}

export function historyTable(events: readonly AlertEvent[]): string {
  if (events.length === 0) return 'No alerts yet.';
  const rows = events.map((event) => [
    formatTime(event.at) ?? '',
    event.state,
    event.severity,
    event.ruleName,
    event.subject,
    event.title,
  ]);
  return table(['at', 'state', 'severity', 'rule', 'subject', 'title'], rows);
}
