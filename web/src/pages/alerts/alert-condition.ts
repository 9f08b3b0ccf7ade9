// A rule's condition as the form edits it (one flat set of values, kept while the kind changes), the input the
// API takes for it, and the one-line description the rules table shows.
import type {
  AlertConditionInput,
  AlertKind,
  AlertRuleSummaryFragment,
  AlertScope,
  WatchedAccountState,
} from '@clients/generated/graphql/graphql';
import { formatCost, formatMs } from '../../components/format';

export type RuleCondition = AlertRuleSummaryFragment['condition'];
/** NumberInput hands back '' while the field is empty. */
type NumberValue = number | string;

export interface ConditionValues {
  kind: AlertKind;
  states: WatchedAccountState[];
  accountId: string;
  platform: string;
  percent: NumberValue;
  keyId: string;
  scope: AlertScope;
  subject: string;
  /** Error rate as a percentage; the API takes a share (0 to 1). */
  thresholdPercent: NumberValue;
  thresholdMs: NumberValue;
  windowMinutes: NumberValue;
  minRequests: NumberValue;
  factor: NumberValue;
  trailingHours: NumberValue;
  minCostDollars: NumberValue;
}

export const ALERT_KINDS: readonly AlertKind[] = [
  'account_state',
  'key_limit',
  'error_rate',
  'latency_p95',
  'spend_anomaly',
  'leak',
];

export const WATCHED_STATES: readonly WatchedAccountState[] = [
  'auth_failed',
  'rate_limited',
  'quota_exhausted',
  'cooling',
];

export const KIND_LABELS: Record<AlertKind, string> = {
  account_state: 'Account state',
  key_limit: 'Key limit',
  error_rate: 'Error rate',
  latency_p95: 'Latency (p95)',
  spend_anomaly: 'Spend anomaly',
  leak: 'Leaked claims',
};

export const KIND_DESCRIPTIONS: Record<AlertKind, string> = {
  account_state: 'Fires while an account is in one of the chosen states.',
  key_limit: 'Fires when a key has used a share of any of its limits.',
  error_rate: 'Fires when the share of requests ending in an upstream error reaches the threshold.',
  latency_p95: 'Fires when the 95th percentile latency reaches the threshold.',
  spend_anomaly: "Fires when this hour's spend is a multiple of the trailing hours' average.",
  leak: 'Fires when the reconciler reclaims claims or leases left by an instance that died. No settings.',
};

export const STATE_LABELS: Record<WatchedAccountState, string> = {
  auth_failed: 'Auth failed',
  cooling: 'Cooling',
  quota_exhausted: 'Quota exhausted',
  rate_limited: 'Rate limited',
};

/** The scopes each windowed kind accepts (the schema's AlertScope description). */
export const KIND_SCOPES: Partial<Record<AlertKind, readonly AlertScope[]>> = {
  error_rate: ['global', 'account', 'model'],
  latency_p95: ['global', 'account', 'model'],
  spend_anomaly: ['global', 'key', 'account'],
};

/** The API's defaults, so a new rule starts from what the server would pick. */
export const DEFAULT_CONDITION: ConditionValues = {
  kind: 'error_rate',
  states: ['auth_failed'],
  accountId: '',
  platform: '',
  percent: 80,
  keyId: '',
  scope: 'global',
  subject: '',
  thresholdPercent: 5,
  thresholdMs: 10_000,
  windowMinutes: 5,
  minRequests: 20,
  factor: 3,
  trailingHours: 24,
  minCostDollars: 1,
};

export function conditionValues(condition: RuleCondition): ConditionValues {
  const base = { ...DEFAULT_CONDITION, kind: condition.kind };
  switch (condition.__typename) {
    case 'AccountStateCondition':
      return {
        ...base,
        states: condition.states,
        accountId: condition.accountId ?? '',
        platform: condition.platform ?? '',
      };
    case 'KeyLimitCondition':
      return { ...base, percent: condition.percent, keyId: condition.keyId ?? '' };
    case 'ErrorRateCondition':
      return {
        ...base,
        ...windowed(condition),
        thresholdPercent: roundShare(condition.threshold * 100),
      };
    case 'LatencyP95Condition':
      return { ...base, ...windowed(condition), thresholdMs: condition.thresholdMs };
    case 'SpendAnomalyCondition':
      return {
        ...base,
        scope: condition.scope,
        subject: condition.subject ?? '',
        factor: condition.factor,
        trailingHours: condition.trailingHours,
        minCostDollars: condition.minCostMicros / 1_000_000,
      };
    case 'LeakCondition':
      return base;
  }
}

function windowed(condition: {
  scope: AlertScope;
  subject: string | null;
  windowMs: number;
  minRequests: number;
}) {
  return {
    scope: condition.scope,
    subject: condition.subject ?? '',
    windowMinutes: condition.windowMs / 60_000,
    minRequests: condition.minRequests,
  };
}

/** Floating point: 0.07 * 100 is 7.000000000000001. */
function roundShare(value: number): number {
  return Math.round(value * 1_000_000) / 1_000_000;
}

function numberOf(value: NumberValue): number | undefined {
  if (value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function textOf(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The required settings the form left empty, by the API's field name (the server would refuse them too). */
export function missingConditionFields(values: ConditionValues): Record<string, string> {
  const required: Partial<Record<AlertKind, [string, NumberValue][]>> = {
    key_limit: [['condition.percent', values.percent]],
    error_rate: [['condition.threshold', values.thresholdPercent]],
    latency_p95: [['condition.thresholdMs', values.thresholdMs]],
  };
  const missing: Record<string, string> = {};
  for (const [field, value] of required[values.kind] ?? []) {
    if (numberOf(value) === undefined) missing[field] = 'is required';
  }
  if (values.kind === 'account_state' && values.states.length === 0) {
    missing['condition.states'] = 'choose at least one state';
  }
  return missing;
}

/** Scope `global` has no subject; the other scopes take one optionally (empty: each on its own). */
function subjectOf(values: ConditionValues): string | undefined {
  return values.scope === 'global' ? undefined : textOf(values.subject);
}

export function conditionInput(values: ConditionValues): AlertConditionInput {
  switch (values.kind) {
    case 'account_state':
      return {
        accountState: {
          states: values.states,
          accountId: textOf(values.accountId),
          platform: textOf(values.platform),
        },
      };
    case 'key_limit':
      return { keyLimit: { percent: numberOf(values.percent) ?? 0, keyId: textOf(values.keyId) } };
    case 'error_rate': {
      const percent = numberOf(values.thresholdPercent) ?? 0;
      return {
        errorRate: {
          threshold: roundShare(percent / 100),
          scope: values.scope,
          subject: subjectOf(values),
          windowMs: minutesToMs(values.windowMinutes),
          minRequests: numberOf(values.minRequests),
        },
      };
    }
    case 'latency_p95':
      return {
        latencyP95: {
          thresholdMs: Math.round(numberOf(values.thresholdMs) ?? 0),
          scope: values.scope,
          subject: subjectOf(values),
          windowMs: minutesToMs(values.windowMinutes),
          minRequests: numberOf(values.minRequests),
        },
      };
    case 'spend_anomaly': {
      const dollars = numberOf(values.minCostDollars);
      return {
        spendAnomaly: {
          factor: numberOf(values.factor),
          trailingHours: numberOf(values.trailingHours),
          minCostMicros: dollars === undefined ? undefined : Math.round(dollars * 1_000_000),
          scope: values.scope,
          subject: subjectOf(values),
        },
      };
    }
    case 'leak':
      return { leak: true };
  }
}

export function minutesToMs(value: NumberValue): number | undefined {
  const minutes = numberOf(value);
  return minutes === undefined ? undefined : Math.round(minutes * 60_000);
}

function scopeText(scope: AlertScope, subject: string | null): string {
  if (scope === 'global') return 'all traffic';
  return subject ? `${scope} ${subject}` : `each ${scope}`;
}

const minutes = (ms: number) => `${Math.round((ms / 60_000) * 10) / 10} min`;

/** What the rule watches, in one line for the table. */
export function describeCondition(condition: RuleCondition): string {
  switch (condition.__typename) {
    case 'AccountStateCondition': {
      const states = condition.states.map((state) => STATE_LABELS[state]).join(', ');
      const which = condition.accountId
        ? `account ${condition.accountId}`
        : condition.platform
          ? `${condition.platform} accounts`
          : 'any account';
      return `${which}: ${states}`;
    }
    case 'KeyLimitCondition':
      return `${condition.keyId ? `key ${condition.keyId}` : 'any key'} at ${condition.percent}% of a limit`;
    case 'ErrorRateCondition':
      return `≥ ${roundShare(condition.threshold * 100)}% errors over ${minutes(condition.windowMs)}, ${scopeText(condition.scope, condition.subject)} (min ${condition.minRequests} requests)`;
    case 'LatencyP95Condition':
      return `p95 ≥ ${formatMs(condition.thresholdMs)} over ${minutes(condition.windowMs)}, ${scopeText(condition.scope, condition.subject)} (min ${condition.minRequests} requests)`;
    case 'SpendAnomalyCondition':
      return `hourly spend ≥ ${condition.factor}× the ${condition.trailingHours} h average and ≥ ${formatCost(condition.minCostMicros)}, ${scopeText(condition.scope, condition.subject)}`;
    case 'LeakCondition':
      return 'leaked claims or leases reclaimed';
  }
}

const KIND_FIELDS: Record<AlertKind, readonly string[]> = {
  account_state: ['states', 'accountId', 'platform'],
  key_limit: ['percent', 'keyId'],
  error_rate: ['threshold', 'scope', 'subject', 'windowMs', 'minRequests'],
  latency_p95: ['thresholdMs', 'scope', 'subject', 'windowMs', 'minRequests'],
  spend_anomaly: ['factor', 'trailingHours', 'minCostMicros', 'scope', 'subject'],
  leak: ['leak'],
};

/** The condition's error paths the form shows beside a field, for the kind chosen. */
export function conditionFieldPaths(kind: AlertKind): string[] {
  return KIND_FIELDS[kind].map((field) => `condition.${field}`);
}
