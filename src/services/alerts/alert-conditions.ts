// What each kind of rule decides from what it sees, and how a firing or its end reads to a person. Pure: the
// evaluator gathers the numbers, these turn them into a decision and words.
import type { KeyUsage } from '../admission/key-usage.js';
import type { AlertCondition, AlertRule } from './alert-rule-types.js';
import type { WindowSummary } from './window-stats.js';

export type Facts = Record<string, string | number>;

export interface Decision {
  firing: boolean;
  facts: Facts;
}

type Windowed = Extract<AlertCondition, { kind: 'error_rate' | 'latency_p95' }>;
type Spend = Extract<AlertCondition, { kind: 'spend_anomaly' }>;

/** A windowed rule over one subject's window; undefined when there were too few requests to say. */
export function windowDecision(condition: Windowed, summary: WindowSummary): Decision | undefined {
  if (summary.requests < condition.minRequests) return undefined;
  const minutes = Math.round(condition.windowMs / 60_000);
  if (condition.kind === 'error_rate') {
    const rate = summary.errors / summary.requests;
    return {
      firing: rate >= condition.threshold,
      facts: {
        'error rate': percent(rate),
        threshold: percent(condition.threshold),
        errors: summary.errors,
        requests: summary.requests,
        window: `${minutes} min`,
      },
    };
  }
  return {
    firing: summary.p95Ms >= condition.thresholdMs,
    facts: {
      'p95 latency': `≤ ${summary.p95Ms} ms`,
      threshold: `${condition.thresholdMs} ms`,
      requests: summary.requests,
      window: `${minutes} min`,
    },
  };
}

/** The most spent share of any of the key's limits, and which limit it is; undefined for a key without limits. */
export function highestLimitShare(usage: KeyUsage): { limit: string; share: number } | undefined {
  const shares: Array<{ limit: string; share: number }> = [];
  for (const cost of usage.costs) {
    if (cost.limitMicros !== undefined && cost.limitMicros > 0)
      shares.push({ limit: `${cost.name} cost`, share: cost.spentMicros / cost.limitMicros });
  }
  const window = usage.window;
  if (window) {
    const { limits } = window;
    if (limits.requests) shares.push({ limit: 'window requests', share: window.requests / limits.requests });
    if (limits.tokens) shares.push({ limit: 'window tokens', share: window.tokens / limits.tokens });
    if (limits.costMicros)
      shares.push({ limit: 'window cost', share: window.costMicros / limits.costMicros });
  }
  return shares.sort((a, b) => b.share - a.share)[0];
}

/** This hour's spend so far against the average of the trailing complete hours. */
export function spendDecision(
  condition: Spend,
  currentMicros: number,
  trailingMicros: readonly number[],
): Decision {
  const average = trailingMicros.reduce((sum, value) => sum + value, 0) / Math.max(1, trailingMicros.length);
  const firing = currentMicros >= condition.minCostMicros && currentMicros >= condition.factor * average;
  return {
    firing,
    facts: {
      'spend this hour': usd(currentMicros),
      'average hour': usd(average),
      factor: condition.factor,
      'trailing hours': condition.trailingHours,
    },
  };
}

/** The one-line title and short text of a firing or of its end. */
export function describeAlert(
  rule: AlertRule,
  subject: string,
  state: 'firing' | 'resolved',
  facts: Facts,
): { title: string; text: string } {
  const who = subjectName(rule.condition, subject, facts);
  const resolved = state === 'resolved';
  switch (rule.condition.kind) {
    case 'account_state':
      return resolved
        ? { title: `${who} recovered`, text: `${rule.name}: ${who} is back in service.` }
        : {
            title: `${who} is ${String(facts.state ?? 'out of service')}`,
            text: `${rule.name}: ${who} went ${String(facts.state)}${facts.reason ? ` (${facts.reason})` : ''}.`,
          };
    case 'key_limit':
      return resolved
        ? { title: `${who} is back under ${rule.condition.percent}% of its limits`, text: rule.name }
        : {
            title: `${who} has used ${String(facts.used)} of its ${String(facts.limit)} limit`,
            text: `${rule.name}: the key reached ${rule.condition.percent}% of a limit.`,
          };
    case 'error_rate':
    case 'latency_p95': {
      const what = rule.condition.kind === 'error_rate' ? 'Error rate' : 'p95 latency';
      return resolved
        ? { title: `${what} of ${who} is back under the threshold`, text: rule.name }
        : { title: `${what} of ${who} is over the threshold`, text: `${rule.name}: ${summaryOf(facts)}` };
    }
    case 'spend_anomaly':
      return resolved
        ? { title: `Spend of ${who} is back to normal`, text: rule.name }
        : { title: `Unusual spend: ${who}`, text: `${rule.name}: ${summaryOf(facts)}` };
    case 'leak':
      return resolved
        ? {
            title: 'No more leaked claims or leases',
            text: `${rule.name}: the last reconciler pass was clean.`,
          }
        : {
            title: 'The reconciler reclaimed leaked claims or leases',
            text: `${rule.name}: an instance stopped without settling what it held. ${summaryOf(facts)}`,
          };
  }
}

function subjectName(condition: AlertCondition, subject: string, facts: Facts): string {
  const named = typeof facts.name === 'string' ? `${facts.name} (${subject})` : subject;
  switch (condition.kind) {
    case 'account_state':
      return `Account ${named}`;
    case 'key_limit':
      return `API key ${named}`;
    case 'leak':
      return 'the relay';
    case 'error_rate':
    case 'latency_p95':
    case 'spend_anomaly':
      return condition.scope === 'global' ? 'all traffic' : `${condition.scope} ${named}`;
  }
}

function summaryOf(facts: Facts): string {
  return Object.entries(facts)
    .filter(([name]) => name !== 'name')
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

function usd(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(2)}`;
}
