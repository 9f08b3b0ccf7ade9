// Alert rules: what each kind of condition watches, validated at the edge so a bad rule is refused naming its
// field, and the stored form every instance evaluates.
import { z } from 'zod';
import { PLATFORMS } from '../domain/platforms.js';
import { entityIdSchema } from '../validation.js';

const MINUTE = 60_000;

/** Account states a rule can watch; leaving them (back to active) is the rule's "recovered". */
export const WATCHED_STATES = ['auth_failed', 'rate_limited', 'quota_exhausted', 'cooling'] as const;
export type WatchedState = (typeof WATCHED_STATES)[number];

/** What a windowed rule computes its value over: all traffic, or per account or model (each its own subject). */
export const WINDOW_SCOPES = ['global', 'account', 'model'] as const;
export type WindowScope = (typeof WINDOW_SCOPES)[number];

const windowFields = {
  scope: z.enum(WINDOW_SCOPES).default('global'),
  /** Restricts a per-account or per-model rule to one subject. */
  subject: z.string().trim().min(1).max(200).optional(),
  windowMs: z
    .number()
    .int()
    .min(MINUTE)
    .max(24 * 60 * MINUTE)
    .default(5 * MINUTE),
  /** Fewer requests in the window than this decide nothing (a single failure is not a 100% error rate). */
  minRequests: z.number().int().min(1).max(1_000_000).default(20),
};

export const alertConditionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('account_state'),
    states: z.array(z.enum(WATCHED_STATES)).min(1).max(WATCHED_STATES.length).default(['auth_failed']),
    accountId: entityIdSchema.optional(),
    platform: z.enum(PLATFORMS).optional(),
  }),
  z.strictObject({
    kind: z.literal('key_limit'),
    /** Fires when a key has spent this share of any of its limits (cost limits, the rate window). */
    percent: z.number().min(1).max(100),
    keyId: entityIdSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('error_rate'),
    /** Share of requests that ended in an upstream error, 0 to 1. */
    threshold: z.number().gt(0).max(1),
    ...windowFields,
  }),
  z.strictObject({
    kind: z.literal('latency_p95'),
    thresholdMs: z.number().int().min(1).max(3_600_000),
    ...windowFields,
  }),
  z.strictObject({
    kind: z.literal('spend_anomaly'),
    /** Fires when this hour's spend so far is this many times the average hour of the trailing hours. */
    factor: z.number().min(1.1).max(1000).default(3),
    trailingHours: z.number().int().min(1).max(168).default(24),
    /** Spend below this (micro-USD) this hour never fires, however quiet the trailing hours were. */
    minCostMicros: z.number().int().min(0).default(1_000_000),
    scope: z.enum(['global', 'key', 'account']).default('global'),
    subject: entityIdSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('leak'),
  }),
]);
export type AlertCondition = z.output<typeof alertConditionSchema>;
export type AlertKind = AlertCondition['kind'];

const ruleFields = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  severity: z.enum(['info', 'warning', 'critical']),
  condition: alertConditionSchema,
  channelIds: z.array(entityIdSchema).max(20),
  /** After a firing, the same rule and subject fire again no sooner than this. */
  cooldownMs: z
    .number()
    .int()
    .min(MINUTE)
    .max(7 * 24 * 60 * MINUTE),
};

export const createAlertRuleInputSchema = z.object({
  ...ruleFields,
  enabled: ruleFields.enabled.default(true),
  severity: ruleFields.severity.default('warning'),
  channelIds: ruleFields.channelIds.default([]),
  cooldownMs: ruleFields.cooldownMs.default(15 * MINUTE),
});
export type CreateAlertRuleInput = z.input<typeof createAlertRuleInputSchema>;

export const updateAlertRuleInputSchema = z.object(ruleFields).partial();
export type UpdateAlertRuleInput = z.input<typeof updateAlertRuleInputSchema>;

export const alertRuleSchema = z.object({
  ...ruleFields,
  id: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type AlertRule = z.output<typeof alertRuleSchema>;

/** One firing or resolution, as the alert history keeps it. */
export interface AlertEvent {
  id: string;
  ruleId: string;
  ruleName: string;
  state: 'firing' | 'resolved';
  subject: string;
  at: number;
  title: string;
  text: string;
  severity: AlertRule['severity'];
  facts: Record<string, string | number>;
}
