// Live subscriptions (served over graphql-ws): usage ticks and account state changes (the request-log tail is
// with the request log, request-log.ts). The streams, their bounds and who may watch what live in services/live.
import { requireUser } from '../schema/access.js';
import { builder } from '../schema/builder.js';
import type { AccountStateEvent } from '../services/live/live-feed.js';
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
