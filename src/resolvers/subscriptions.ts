// Live subscriptions (served over graphql-ws): usage ticks, the ledger tail and account state changes. The
// streams, their bounds and who may watch what live in services/live.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import type { AccountStateEvent, LedgerEvent } from '../services/live/live-feed.js';
import { TICK_SCOPES, type UsageTick } from '../services/live/usage-tick.js';

const DROPPED = 'Events this subscription missed since the previous one because it read too slowly.';

const UsageTickScope = builder.enumType('UsageTickScope', {
  description: 'global: all traffic; key: one API key (id = key id); account: one upstream account.',
  values: TICK_SCOPES,
});

const UsageTickRef = builder.objectRef<UsageTick>('UsageTick').implement({
  description:
    'Usage of one interval with traffic. Counts are Float because aggregates can pass 2^31; they are whole.',
  fields: (t) => ({
    scope: t.field({ type: UsageTickScope, resolve: (tick) => tick.scope }),
    id: t.exposeID('id', { nullable: true }),
    from: t.field({ type: 'DateTime', resolve: (tick) => new Date(tick.from) }),
    to: t.field({ type: 'DateTime', resolve: (tick) => new Date(tick.to) }),
    intervals: t.exposeInt('intervals', {
      description:
        'Intervals folded into this tick: more than 1 when the subscriber read slower than ticks came.',
    }),
    requests: t.exposeFloat('requests'),
    errors: t.exposeFloat('errors', { description: 'Requests that ended in an upstream error.' }),
    inputTokens: t.exposeFloat('inputTokens'),
    outputTokens: t.exposeFloat('outputTokens'),
    cacheReadTokens: t.exposeFloat('cacheReadTokens'),
    cacheWriteTokens: t.exposeFloat('cacheWriteTokens'),
    costMicros: t.exposeFloat('costMicros', { description: 'Cost in millionths of a US dollar.' }),
  }),
});

const LedgerEventRef = builder.objectRef<LedgerEvent>('LedgerEvent').implement({
  description: 'One settled request, as written to the usage ledger.',
  fields: (t) => ({
    requestId: t.exposeString('requestId'),
    at: t.field({ type: 'DateTime', resolve: (event) => new Date(event.at) }),
    keyId: t.exposeString('keyId'),
    accountId: t.exposeString('accountId', { nullable: true }),
    platform: t.exposeString('platform'),
    model: t.exposeString('model'),
    upstreamModel: t.exposeString('upstreamModel'),
    inputTokens: t.int({ resolve: (event) => event.usage.input }),
    outputTokens: t.int({ resolve: (event) => event.usage.output }),
    cacheReadTokens: t.int({ resolve: (event) => event.usage.cacheRead }),
    cacheWrite5mTokens: t.int({ resolve: (event) => event.usage.cacheWrite5m }),
    cacheWrite1hTokens: t.int({ resolve: (event) => event.usage.cacheWrite1h }),
    costMicros: t.exposeFloat('costMicros'),
    outcome: t.exposeString('outcome'),
    estimated: t.exposeBoolean('estimated'),
    status: t.exposeInt('status'),
    stream: t.exposeBoolean('stream'),
    latencyMs: t.exposeInt('latencyMs'),
    ttftMs: t.exposeInt('ttftMs', { nullable: true }),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    dropped: t.exposeInt('dropped', { description: DROPPED }),
  }),
});

const AccountStateEventRef = builder.objectRef<AccountStateEvent>('AccountStateEvent').implement({
  description:
    "An account's live state changed (cooling, rate limited, quota exhausted, auth failed, active).",
  fields: (t) => ({
    accountId: t.exposeString('accountId'),
    platform: t.exposeString('platform'),
    at: t.field({ type: 'DateTime', resolve: (event) => new Date(event.at) }),
    from: t.exposeString('from'),
    to: t.exposeString('to'),
    until: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the new state ends by itself; null for states without an end.',
      resolve: (event) => (event.until > 0 ? new Date(event.until) : null),
    }),
    reason: t.exposeString('reason'),
    family: t.exposeString('family', { nullable: true, description: 'The model family a rate limit is on.' }),
    dropped: t.exposeInt('dropped', { description: DROPPED }),
  }),
});

builder.subscriptionField('usageTicks', (t) =>
  t.field({
    type: UsageTickRef,
    description:
      'Aggregated usage, one tick per interval with traffic (LIVE_TICK_INTERVAL_MS). Members: key scope, own keys.',
    args: { scope: t.arg({ type: UsageTickScope, required: true }), id: t.arg.id() },
    subscribe: (_root, args, context) =>
      context.services.control.live.usageTicks(requireUser(context), {
        scope: args.scope,
        id: args.id == null ? undefined : String(args.id),
      }),
    resolve: (tick) => tick,
  }),
);

builder.subscriptionField('ledgerTail', (t) =>
  t.field({
    type: LedgerEventRef,
    description: 'Every settled request, optionally of one key or account. Members: their own keys only.',
    args: { keyId: t.arg.id(), accountId: t.arg.id() },
    subscribe: (_root, args, context) =>
      context.services.control.live.ledgerTail(requireUser(context), {
        keyId: args.keyId == null ? undefined : String(args.keyId),
        accountId: args.accountId == null ? undefined : String(args.accountId),
      }),
    resolve: (event) => event,
  }),
);

builder.subscriptionField('accountStateChanges', (t) =>
  t.field({
    type: AccountStateEventRef,
    description: 'State changes of every account, or of one. Not for members.',
    args: { accountId: t.arg.id() },
    subscribe: (_root, args, context) =>
      context.services.control.live.accountStateChanges(requireUser(context), {
        accountId: args.accountId == null ? undefined : String(args.accountId),
      }),
    resolve: (event) => event,
  }),
);
