// Alert rule fields: rules (with what they are firing for) and the alert history for readers; create, change and
// delete for managers. Rules and the audit in AlertAdmin; the conditions' checks in the service's schema.
import { AppError } from '../errors/app-error.js';
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import {
  AlertConditionInputRef,
  AlertEventRef,
  AlertRuleRef,
  SeverityEnum,
} from '../schema/types/alert-rules.js';
import type { CreateAlertRuleInput } from '../services/alerts/alert-rule-types.js';
import { idArg, present } from './input.js';
import { connectionOf, cursorNamedAfter, pageArgs, toConnection } from './page-info.js';

const AlertRuleConnection = connectionOf('AlertRule', AlertRuleRef);
const AlertEventConnection = connectionOf('AlertEvent', AlertEventRef);

type ConditionInput = CreateAlertRuleInput['condition'];

/**
 * The @oneOf condition as the service takes it, `{ kind, ...its fields }`, so that the service's errors name the
 * condition's field (`condition.threshold`). The schema's scope enum and platform string are wider than one
 * kind's: the casts only narrow the types for the call; the service's schema checks them (`condition.scope`).
 */
function conditionOf(input: typeof AlertConditionInputRef.$inferInput): ConditionInput {
  if (input.accountState) return { kind: 'account_state', ...present(input.accountState) } as ConditionInput;
  if (input.keyLimit) return { kind: 'key_limit', ...present(input.keyLimit) };
  if (input.errorRate) return { kind: 'error_rate', ...present(input.errorRate) } as ConditionInput;
  if (input.latencyP95) return { kind: 'latency_p95', ...present(input.latencyP95) } as ConditionInput;
  if (input.spendAnomaly) return { kind: 'spend_anomaly', ...present(input.spendAnomaly) } as ConditionInput;
  if (input.leak === true) return { kind: 'leak' };
  throw new AppError('invalid_request', 'condition.leak: must be true (or give another kind)', {
    details: { field: 'condition.leak' },
  });
}

const COOLDOWN = 'ms, 60000 (a minute) to 604800000 (a week); default 900000 (15 minutes).';

const CreateAlertRuleInputRef = builder.inputType('CreateAlertRuleInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    enabled: t.boolean({ description: 'Default true.' }),
    severity: t.field({ type: SeverityEnum, description: 'Default warning.' }),
    condition: t.field({ type: AlertConditionInputRef, required: true }),
    channelIds: t.stringList({
      description: 'Notification channels to alert (at most 20); they must exist.',
    }),
    cooldownMs: t.int({ description: COOLDOWN }),
  }),
});

const UpdateAlertRuleInputRef = builder.inputType('UpdateAlertRuleInput', {
  description: 'Only what is given changes; a condition replaces the whole condition.',
  fields: (t) => ({
    name: t.string(),
    enabled: t.boolean(),
    severity: t.field({ type: SeverityEnum }),
    condition: t.field({ type: AlertConditionInputRef }),
    channelIds: t.stringList({ description: 'Replaces the list; [] alerts no channel.' }),
    cooldownMs: t.int({ description: COOLDOWN }),
  }),
});

builder.queryField('alertRules', (t) =>
  t.field({
    type: AlertRuleConnection,
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, context) =>
      toConnection(await context.services.control.alerts.list(requireUser(context), pageArgs(args))),
  }),
);

builder.queryField('alertRule', (t) =>
  t.field({
    type: AlertRuleRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.alerts.get(requireUser(context), idArg(args.id)),
  }),
);

builder.queryField('alertHistory', (t) =>
  t.field({
    type: AlertEventConnection,
    description: 'Firings and resolutions of every rule, newest first (the last 1000 are kept).',
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, context) =>
      toConnection(
        await cursorNamedAfter(context.services.control.alerts.history(requireUser(context), pageArgs(args))),
      ),
  }),
);

builder.mutationField('createAlertRule', (t) =>
  t.field({
    type: AlertRuleRef,
    args: { input: t.arg({ type: CreateAlertRuleInputRef, required: true }) },
    resolve: (_root, args, context) => {
      const { condition, ...rest } = present(args.input);
      return context.services.control.alerts.create(requireUser(context), {
        ...rest,
        condition: conditionOf(condition),
      });
    },
  }),
);

builder.mutationField('updateAlertRule', (t) =>
  t.field({
    type: AlertRuleRef,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateAlertRuleInputRef, required: true }),
    },
    resolve: (_root, args, context) => {
      const { condition, ...rest } = present(args.input);
      return context.services.control.alerts.update(requireUser(context), idArg(args.id), {
        ...rest,
        ...(condition === undefined ? {} : { condition: conditionOf(condition) }),
      });
    },
  }),
);

builder.mutationField('deleteAlertRule', (t) =>
  t.boolean({
    description: 'Deletes the rule and its firing state; its past events stay in the history.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      await context.services.control.alerts.delete(requireUser(context), idArg(args.id));
      return true;
    },
  }),
);
