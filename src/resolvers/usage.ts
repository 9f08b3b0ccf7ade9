// Usage fields: time series and top-N rankings with cost, a key's live
// limits, and the view of a key holder who signed in with the relay key itself. Scoping rules in UsageReports.

import { AppError } from '../errors/app-error.js';
import { requireUser } from '../schema/access.js';
import { builder, type GraphQLContext } from '../schema/builder.js';
import { ApiKeyLimitUsageRef } from '../schema/types/api-keys.js';
import type { KeyUsage } from '../services/admission/key-usage.js';
import type { ApiKey } from '../services/api-keys/api-key-types.js';
import type {
  RankedUsage,
  UsagePoint,
  UsageSeries,
  UsageTotals,
} from '../services/usage/usage-query-service.js';
import { ApiKeyRef } from './api-keys.js';
import { idArg } from './input.js';

const GranularityEnum = builder.enumType('Granularity', { values: ['hour', 'day', 'month'] as const });
const UsageDimensionEnum = builder.enumType('UsageDimension', {
  values: ['global', 'key', 'account', 'model'] as const,
});
const RankDimensionEnum = builder.enumType('RankDimension', { values: ['key', 'account', 'model'] as const });

const MICROS_PER_USD = 1_000_000;

const UsageTotalsRef = builder.objectRef<UsageTotals>('UsageTotals').implement({
  fields: (t) => ({
    requests: t.exposeInt('requests'),
    inputTokens: t.exposeFloat('inputTokens'),
    outputTokens: t.exposeFloat('outputTokens'),
    cacheReadTokens: t.exposeFloat('cacheReadTokens'),
    cacheWrite5mTokens: t.exposeFloat('cacheWrite5mTokens'),
    cacheWrite1hTokens: t.exposeFloat('cacheWrite1hTokens'),
    costMicros: t.exposeFloat('costMicros', { description: 'Cost in millionths of a US dollar.' }),
    costUsd: t.float({ resolve: (totals) => totals.costMicros / MICROS_PER_USD }),
  }),
});

const UsagePointRef = builder.objectRef<UsagePoint>('UsagePoint').implement({
  fields: (t) => ({
    period: t.exposeString('period', { description: '`2026-11-22T13`, `2026-11-22` or `2026-11` (UTC).' }),
    start: t.field({ type: 'DateTime', resolve: (point) => new Date(point.start) }),
    totals: t.field({ type: UsageTotalsRef, resolve: (point) => point }),
  }),
});

const UsageSeriesRef = builder.objectRef<UsageSeries>('UsageSeries').implement({
  fields: (t) => ({
    granularity: t.field({ type: GranularityEnum, resolve: (series) => series.granularity }),
    points: t.field({ type: [UsagePointRef], resolve: (series) => series.points }),
    totals: t.field({ type: UsageTotalsRef, resolve: (series) => series.totals }),
  }),
});

const RankedUsageRef = builder.objectRef<RankedUsage>('RankedUsage').implement({
  fields: (t) => ({
    entity: t.exposeString('entity', { description: 'The key id, account id or model name.' }),
    requests: t.exposeInt('requests'),
    costMicros: t.exposeFloat('costMicros'),
    costUsd: t.float({ resolve: (ranked) => ranked.costMicros / MICROS_PER_USD }),
  }),
});

export const KeyHolderRef = builder.objectRef<ApiKey>('KeyHolderView').implement({
  description: 'What the holder of a relay key may read about that key, signed in with the key itself.',
  fields: (t) => ({
    key: t.field({ type: ApiKeyRef, resolve: (key) => key }),
    limits: t.field({
      type: ApiKeyLimitUsageRef,
      description: 'Spend against each limit now, with reset times.',
      resolve: (key, _args, context) => context.services.control.usage.holderLimits(key),
    }),
    usage: t.field({
      type: UsageSeriesRef,
      args: rangeArgs(),
      resolve: (key, args, context) => context.services.control.usage.holderSeries(key, rangeOf(args)),
    }),
  }),
});

type RangeArgs = { granularity: 'hour' | 'day' | 'month'; from: Date; to: Date };
const rangeArgs = () =>
  builder.args((t) => ({
    granularity: t.field({ type: GranularityEnum, required: true }),
    from: t.field({ type: 'DateTime', required: true }),
    to: t.field({ type: 'DateTime', required: true }),
  }));
function rangeOf(args: RangeArgs) {
  return { granularity: args.granularity, from: args.from.getTime(), to: args.to.getTime() };
}

builder.queryField('usageSeries', (t) =>
  t.field({
    type: UsageSeriesRef,
    description: 'One point per period in [from, to]. Members may ask only for their own keys.',
    args: {
      dimension: t.arg({ type: UsageDimensionEnum, required: true }),
      id: t.arg.string({ description: 'The key id, account id or model; omit for global.' }),
      ...rangeArgs(),
    },
    resolve: (_root, args, context) =>
      context.services.control.usage.series(requireUser(context), {
        dimension: args.dimension,
        ...(args.id == null ? {} : { id: args.id }),
        ...rangeOf(args),
      }),
  }),
);

builder.queryField('usageTop', (t) =>
  t.field({
    type: [RankedUsageRef],
    description: 'Who cost most in [from, to]. Members rank only their own keys.',
    args: {
      dimension: t.arg({ type: RankDimensionEnum, required: true }),
      limit: t.arg.int({ defaultValue: 10 }),
      ...rangeArgs(),
    },
    resolve: (_root, args, context) =>
      context.services.control.usage.top(requireUser(context), {
        dimension: args.dimension,
        limit: args.limit ?? 10,
        ...rangeOf(args),
      }),
  }),
);

builder.queryField('apiKeyLimits', (t) =>
  t.field({
    type: ApiKeyLimitUsageRef,
    description: "A key's spend against each of its limits now, with reset times.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context): Promise<KeyUsage> =>
      context.services.control.usage.keyLimits(requireUser(context), idArg(args.id)),
  }),
);

builder.queryField('myApiKey', (t) =>
  t.field({
    type: KeyHolderRef,
    description: 'For key holders: send the relay key as `x-api-key`; no user account needed.',
    resolve: (_root, _args, context) => requireKeyHolder(context),
  }),
);

function requireKeyHolder(context: GraphQLContext): ApiKey {
  if (context.keyHolder) return context.keyHolder;
  if (context.keyError) throw context.keyError;
  throw new AppError('unauthenticated', 'Send your relay key as the x-api-key header');
}
