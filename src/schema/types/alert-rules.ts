// GraphQL types of alert rules: the condition as an interface with one type per kind (and, as input, a @oneOf
// with one member per kind), the rule with what it is firing for, and the alert history's events. Validation
// stays in services/alerts/alert-rule-types.ts (see conditionOf in resolvers/alert-rules.ts).
import {
  type AlertCondition,
  type AlertEvent,
  type AlertKind,
  alertConditionSchema,
  WATCHED_STATES,
  WINDOW_SCOPES,
} from '../../services/alerts/alert-rule-types.js';
import type { AlertRuleView } from '../../services/control/alert-admin.js';
import { SEVERITIES } from '../../services/notify/notification.js';
import { builder } from '../builder.js';

type ConditionOf<K extends AlertKind> = Extract<AlertCondition, { kind: K }>;

const ALERT_KINDS = alertConditionSchema.options.map((option) => option.shape.kind.value);

const AlertKindEnum = builder.enumType('AlertKind', { values: ALERT_KINDS });

const WatchedStateEnum = builder.enumType('WatchedAccountState', {
  description: 'Account states an account_state rule can watch; going back to active resolves it.',
  values: WATCHED_STATES,
});

const AlertScopeEnum = builder.enumType('AlertScope', {
  description:
    'What a rule computes its value over: all traffic (global), or each account, model or key on its own ' +
    '(each its own subject). error_rate and latency_p95 take global, account or model; spend_anomaly takes ' +
    'global, key or account.',
  values: [...new Set([...WINDOW_SCOPES, 'key' as const])],
});

/** How urgent an alert rule (and the notifications it sends) is. */
export const SeverityEnum = builder.enumType('AlertSeverity', { values: SEVERITIES });

const AlertStateEnum = builder.enumType('AlertState', { values: ['firing', 'resolved'] as const });

// ---- Outputs -------------------------------------------------------------------------------------------------

const TYPE_OF_KIND: Record<AlertKind, string> = {
  account_state: 'AccountStateCondition',
  key_limit: 'KeyLimitCondition',
  error_rate: 'ErrorRateCondition',
  latency_p95: 'LatencyP95Condition',
  spend_anomaly: 'SpendAnomalyCondition',
  leak: 'LeakCondition',
};

const AlertConditionRef = builder.interfaceRef<AlertCondition>('AlertCondition').implement({
  description:
    'What a rule watches: select `kind`, and the fields of each kind with `... on <Kind>Condition`.',
  fields: (t) => ({ kind: t.field({ type: AlertKindEnum, resolve: (condition) => condition.kind }) }),
  resolveType: (condition) => TYPE_OF_KIND[condition.kind],
});

const WINDOW = 'Fewer requests than minRequests in the window decide nothing.';

builder.objectRef<ConditionOf<'account_state'>>(TYPE_OF_KIND.account_state).implement({
  description: 'Fires while an account is in one of `states`; all accounts, or one account or platform.',
  interfaces: [AlertConditionRef],
  fields: (t) => ({
    states: t.field({ type: [WatchedStateEnum], resolve: (condition) => condition.states }),
    accountId: t.exposeString('accountId', { nullable: true }),
    platform: t.exposeString('platform', { nullable: true }),
  }),
});

builder.objectRef<ConditionOf<'key_limit'>>(TYPE_OF_KIND.key_limit).implement({
  description: 'Fires when a key has used `percent` of any of its limits; every key, or one.',
  interfaces: [AlertConditionRef],
  fields: (t) => ({
    percent: t.exposeFloat('percent'),
    keyId: t.exposeString('keyId', { nullable: true }),
  }),
});

builder.objectRef<ConditionOf<'error_rate'>>(TYPE_OF_KIND.error_rate).implement({
  description: `Fires when the share of requests ending in an upstream error reaches \`threshold\` (0 to 1). ${WINDOW}`,
  interfaces: [AlertConditionRef],
  fields: (t) => ({
    threshold: t.exposeFloat('threshold'),
    scope: t.field({ type: AlertScopeEnum, resolve: (condition) => condition.scope }),
    subject: t.exposeString('subject', { nullable: true }),
    windowMs: t.exposeInt('windowMs'),
    minRequests: t.exposeInt('minRequests'),
  }),
});

builder.objectRef<ConditionOf<'latency_p95'>>(TYPE_OF_KIND.latency_p95).implement({
  description: `Fires when the 95th percentile latency reaches \`thresholdMs\`. ${WINDOW}`,
  interfaces: [AlertConditionRef],
  fields: (t) => ({
    thresholdMs: t.exposeInt('thresholdMs'),
    scope: t.field({ type: AlertScopeEnum, resolve: (condition) => condition.scope }),
    subject: t.exposeString('subject', { nullable: true }),
    windowMs: t.exposeInt('windowMs'),
    minRequests: t.exposeInt('minRequests'),
  }),
});

builder.objectRef<ConditionOf<'spend_anomaly'>>(TYPE_OF_KIND.spend_anomaly).implement({
  description:
    "Fires when this hour's spend is `factor` times the average of the trailing hours, and at least " +
    '`minCostMicros` (micro-USD: 1 USD = 1,000,000).',
  interfaces: [AlertConditionRef],
  fields: (t) => ({
    factor: t.exposeFloat('factor'),
    trailingHours: t.exposeInt('trailingHours'),
    minCostMicros: t.exposeFloat('minCostMicros'),
    scope: t.field({ type: AlertScopeEnum, resolve: (condition) => condition.scope }),
    subject: t.exposeString('subject', { nullable: true }),
  }),
});

builder.objectRef<ConditionOf<'leak'>>(TYPE_OF_KIND.leak).implement({
  description: 'Fires when the reconciler reclaims leaked claims or leases (left by an instance that died).',
  interfaces: [AlertConditionRef],
  fields: () => ({}),
});

const AlertFiringRef = builder.objectRef<AlertRuleView['firing'][number]>('AlertFiring').implement({
  description: 'A subject (an account, key, model, or "global") the rule is firing for now.',
  fields: (t) => ({
    subject: t.exposeString('subject'),
    since: t.field({ type: 'DateTime', resolve: (firing) => new Date(firing.since) }),
  }),
});

export const AlertRuleRef = builder.objectRef<AlertRuleView>('AlertRule').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    enabled: t.exposeBoolean('enabled'),
    severity: t.field({ type: SeverityEnum, resolve: (rule) => rule.severity }),
    cooldownMs: t.exposeInt('cooldownMs', {
      description: 'After a firing, the same rule and subject fire again no sooner than this.',
    }),
    channelIds: t.exposeStringList('channelIds', { description: 'The notification channels it alerts.' }),
    condition: t.field({ type: AlertConditionRef, resolve: (rule) => rule.condition }),
    firing: t.field({ type: [AlertFiringRef], resolve: (rule) => rule.firing }),
    createdAt: t.field({ type: 'DateTime', resolve: (rule) => new Date(rule.createdAt) }),
    updatedAt: t.field({ type: 'DateTime', resolve: (rule) => new Date(rule.updatedAt) }),
  }),
});

const AlertFactRef = builder.objectRef<{ name: string; value: string }>('AlertFact').implement({
  fields: (t) => ({ name: t.exposeString('name'), value: t.exposeString('value') }),
});

export const AlertEventRef = builder.objectRef<AlertEvent>('AlertEvent').implement({
  description: 'A rule starting or stopping to fire for a subject, as it was announced.',
  fields: (t) => ({
    id: t.exposeID('id'),
    ruleId: t.exposeString('ruleId'),
    ruleName: t.exposeString('ruleName'),
    state: t.field({ type: AlertStateEnum, resolve: (event) => event.state }),
    subject: t.exposeString('subject'),
    at: t.field({ type: 'DateTime', resolve: (event) => new Date(event.at) }),
    title: t.exposeString('title'),
    text: t.exposeString('text'),
    severity: t.field({ type: SeverityEnum, resolve: (event) => event.severity }),
    facts: t.field({
      type: [AlertFactRef],
      description: 'The values behind the event (value, threshold, window…).',
      resolve: (event) =>
        Object.entries(event.facts).map(([name, value]) => ({ name, value: String(value) })),
    }),
  }),
});

// ---- Inputs --------------------------------------------------------------------------------------------------

const AccountStateInputRef = builder.inputType('AccountStateConditionInput', {
  fields: (t) => ({
    states: t.field({ type: [WatchedStateEnum], description: 'Default [auth_failed].' }),
    accountId: t.string({ description: 'Only this account.' }),
    platform: t.string({ description: 'Only accounts of this platform (claude, openai, …).' }),
  }),
});

const KeyLimitInputRef = builder.inputType('KeyLimitConditionInput', {
  fields: (t) => ({
    percent: t.float({ required: true, description: '1 to 100.' }),
    keyId: t.string({ description: 'Only this key.' }),
  }),
});

const WINDOW_DEFAULTS =
  'scope default global; windowMs 60000 to 86400000, default 300000; minRequests default 20.';

const ErrorRateInputRef = builder.inputType('ErrorRateConditionInput', {
  description: WINDOW_DEFAULTS,
  fields: (t) => ({
    threshold: t.float({ required: true, description: 'A share of requests, above 0 and at most 1.' }),
    scope: t.field({ type: AlertScopeEnum }),
    subject: t.string({ description: 'With scope account or model: only this one.' }),
    windowMs: t.int(),
    minRequests: t.int(),
  }),
});

const LatencyP95InputRef = builder.inputType('LatencyP95ConditionInput', {
  description: WINDOW_DEFAULTS,
  fields: (t) => ({
    thresholdMs: t.int({ required: true }),
    scope: t.field({ type: AlertScopeEnum }),
    subject: t.string({ description: 'With scope account or model: only this one.' }),
    windowMs: t.int(),
    minRequests: t.int(),
  }),
});

const SpendAnomalyInputRef = builder.inputType('SpendAnomalyConditionInput', {
  description: 'factor default 3; trailingHours default 24; minCostMicros default 1000000 (1 USD).',
  fields: (t) => ({
    factor: t.float(),
    trailingHours: t.int(),
    minCostMicros: t.float(),
    scope: t.field({ type: AlertScopeEnum, description: 'global (default), key or account.' }),
    subject: t.string({ description: 'With scope key or account: only this one.' }),
  }),
});

export const AlertConditionInputRef = builder.inputType('AlertConditionInput', {
  description:
    'Exactly one kind with its settings (`{ errorRate: { threshold: 0.05 } }`, `{ leak: true }`). Errors ' +
    'name the setting as `condition.<field>`.',
  isOneOf: true,
  fields: (t) => ({
    accountState: t.field({ type: AccountStateInputRef }),
    keyLimit: t.field({ type: KeyLimitInputRef }),
    errorRate: t.field({ type: ErrorRateInputRef }),
    latencyP95: t.field({ type: LatencyP95InputRef }),
    spendAnomaly: t.field({ type: SpendAnomalyInputRef }),
    leak: t.boolean({ description: 'true: the leak condition, which has no settings.' }),
  }),
});
