// Spend limits per user and per user group, and Claude Code managed settings per scope: the control plane's
// fields for what signed-in people (and their keys) are capped at and run with. Rules live in the facades.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import type {
  ManagedSettingsPolicy,
  PolicyScope,
} from '../services/managed-settings/managed-settings-types.js';
import {
  SPEND_PERIODS,
  type SpendLimit,
  type SpendScope,
} from '../services/spend-limits/spend-limit-types.js';
import type { EffectiveSpend } from '../services/spend-limits/user-spend.js';
import type { ROLES } from '../services/users/user-types.js';
import { RoleEnum } from './auth.js';
import { idArg } from './input.js';

const SpendPeriodEnum = builder.enumType('SpendPeriod', { values: SPEND_PERIODS });

const SpendScopeRef = builder.objectRef<SpendScope>('SpendScope').implement({
  description: 'One user, or the members of a user group (their default cap).',
  fields: (t) => ({
    type: t.string({ resolve: (scope) => scope.type }),
    userId: t.id({ nullable: true, resolve: (scope) => (scope.type === 'user' ? scope.userId : null) }),
    group: t.string({ nullable: true, resolve: (scope) => (scope.type === 'group' ? scope.group : null) }),
  }),
});

const SpendLimitRef = builder.objectRef<SpendLimit>('SpendLimit').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    scope: t.field({ type: SpendScopeRef, resolve: (limit) => limit.scope }),
    period: t.field({ type: SpendPeriodEnum, resolve: (limit) => limit.period }),
    amountCents: t.int({
      nullable: true,
      description: 'US cents; null is an explicit "no cap" for this scope and period.',
      resolve: (limit) => limit.amountCents,
    }),
    updatedAt: t.field({ type: 'DateTime', resolve: (limit) => new Date(limit.updatedAt) }),
  }),
});

const EffectiveSpendRef = builder.objectRef<EffectiveSpend>('EffectiveSpend').implement({
  description: "A person's cap for one period, where it comes from, and what they spent so far.",
  fields: (t) => ({
    userId: t.id({ resolve: (row) => row.user.id }),
    username: t.string({ resolve: (row) => row.user.username }),
    period: t.field({ type: SpendPeriodEnum, resolve: (row) => row.period }),
    limitMicros: t.float({ nullable: true, resolve: (row) => row.amountMicros ?? null }),
    spentMicros: t.float({ resolve: (row) => row.spentMicros }),
    resetsAt: t.field({ type: 'DateTime', resolve: (row) => new Date(row.resetsAt) }),
    source: t.field({ type: SpendScopeRef, nullable: true, resolve: (row) => row.source ?? null }),
  }),
});

const SpendScopeInput = builder.inputType('SpendScopeInput', {
  description: 'Exactly one of userId and group.',
  fields: (t) => ({ userId: t.id(), group: t.string() }),
});

function spendScope(input: { userId?: string | number | null; group?: string | null }): SpendScope {
  if (input.userId != null && input.group == null)
    return { type: 'user', userId: idArg(input.userId, 'userId') };
  if (input.group != null && input.userId == null) return { type: 'group', group: input.group };
  return { type: 'user', userId: '' };
}

builder.queryField('spendLimits', (t) =>
  t.field({
    type: [SpendLimitRef],
    description: 'Readers only.',
    resolve: (_root, _args, context) => context.services.control.spendLimits.list(requireUser(context)),
  }),
);

builder.queryField('effectiveSpend', (t) =>
  t.field({
    type: [EffectiveSpendRef],
    description:
      "Each user's caps and spend this period (readers: anyone, or the userIds given; others: their own).",
    args: { userIds: t.arg.idList() },
    resolve: (_root, args, context) =>
      context.services.control.spendLimits.effective(
        requireUser(context),
        args.userIds?.map((id) => idArg(id, 'userIds')),
      ),
  }),
);

builder.mutationField('setSpendLimit', (t) =>
  t.field({
    type: SpendLimitRef,
    description: 'Managers. Upsert on (scope, period); the next request of the people it caps is held to it.',
    args: {
      scope: t.arg({ type: SpendScopeInput, required: true }),
      period: t.arg({ type: SpendPeriodEnum, required: true }),
      amountCents: t.arg.int({ description: 'Null for an explicit "no cap".' }),
    },
    resolve: (_root, args, context) =>
      context.services.control.spendLimits.set(requireUser(context), {
        scope: spendScope(args.scope),
        period: args.period,
        amountCents: args.amountCents ?? null,
      }),
  }),
);

builder.mutationField('deleteSpendLimit', (t) =>
  t.field({
    type: SpendLimitRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.spendLimits.delete(requireUser(context), idArg(args.id)),
  }),
);

const PolicyScopeRef = builder.objectRef<PolicyScope>('ManagedSettingsScope').implement({
  fields: (t) => ({
    type: t.string({ description: 'all, role, group or user.', resolve: (scope) => scope.type }),
    role: t.field({
      type: RoleEnum,
      nullable: true,
      resolve: (scope) => (scope.type === 'role' ? scope.role : null),
    }),
    group: t.string({ nullable: true, resolve: (scope) => (scope.type === 'group' ? scope.group : null) }),
    userId: t.id({ nullable: true, resolve: (scope) => (scope.type === 'user' ? scope.userId : null) }),
  }),
});

const PolicyRef = builder.objectRef<ManagedSettingsPolicy>('ManagedSettingsPolicy').implement({
  description:
    'Claude Code managed settings (managed-settings.json) for everyone, a role, a group or a user.',
  fields: (t) => ({
    scope: t.field({ type: PolicyScopeRef, resolve: (policy) => policy.scope }),
    settings: t.field({ type: 'JSON', resolve: (policy) => policy.settings }),
    updatedAt: t.field({ type: 'DateTime', resolve: (policy) => new Date(policy.updatedAt) }),
    updatedBy: t.exposeString('updatedBy'),
  }),
});

const PolicyScopeInput = builder.inputType('ManagedSettingsScopeInput', {
  description: 'Nothing for everyone; else exactly one of role, group and userId.',
  fields: (t) => ({ role: t.field({ type: RoleEnum }), group: t.string(), userId: t.id() }),
});

function policyScope(input: {
  role?: (typeof ROLES)[number] | null;
  group?: string | null;
  userId?: string | number | null;
}): PolicyScope {
  const given = [input.role, input.group, input.userId].filter((value) => value != null).length;
  if (given === 0) return { type: 'all' };
  if (given === 1 && input.role != null) return { type: 'role', role: input.role };
  if (given === 1 && input.group != null) return { type: 'group', group: input.group };
  if (given === 1 && input.userId != null) return { type: 'user', userId: idArg(input.userId, 'userId') };
  return { type: 'user', userId: '' };
}

builder.queryField('managedSettingsPolicies', (t) =>
  t.field({
    type: [PolicyRef],
    resolve: (_root, _args, context) => context.services.control.managedSettings.list(requireUser(context)),
  }),
);

builder.mutationField('setManagedSettings', (t) =>
  t.field({
    type: PolicyRef,
    description: 'Admins. Replaces the policy of the scope; signed-in clients pick it up on their next poll.',
    args: {
      scope: t.arg({ type: PolicyScopeInput, required: true }),
      settings: t.arg({ type: 'JSON', required: true }),
    },
    resolve: (_root, args, context) =>
      context.services.control.managedSettings.set(
        requireUser(context),
        policyScope(args.scope),
        args.settings,
      ),
  }),
);

builder.mutationField('deleteManagedSettings', (t) =>
  t.field({
    type: PolicyRef,
    args: { scope: t.arg({ type: PolicyScopeInput, required: true }) },
    resolve: (_root, args, context) =>
      context.services.control.managedSettings.delete(requireUser(context), policyScope(args.scope)),
  }),
);
