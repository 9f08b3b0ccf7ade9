// GraphQL types of what admins edit most on a relay key (limits, expiry, bindings; its model mapping's pairs are
// model-mapping.ts's), as outputs and as inputs, mirroring the zod schemas of services/api-keys/api-key-types.ts,
// and a key's live usage against its limits.
// Validation stays in those schemas: turning an input into the service's shape only drops GraphQL's nulls and
// turns DateTimes into ms, so the service's errors still name the offending field (`limits.window.seconds`).
import { AppError } from '../../errors/app-error.js';
import type { CostLimitUsage, KeyUsage } from '../../services/admission/key-usage.js';
import type { ApiKey, UpdateApiKeyInput } from '../../services/api-keys/api-key-types.js';
import { MODEL_FAMILIES, PLATFORMS } from '../../services/domain/platforms.js';
import { builder } from '../builder.js';
import { type ModelMappingPair, mappingRecordOf } from './model-mapping.js';

type Limits = ApiKey['limits'];
type Expiry = ApiKey['expiry'];
type Bindings = ApiKey['bindings'];
type Binding = NonNullable<Bindings[keyof Bindings]>;
type KeyWindowUsage = NonNullable<KeyUsage['window']>;

const MICROS = 'Micro-USD: 1 USD = 1,000,000.';

const RateWindowModeEnum = builder.enumType('RateWindowMode', {
  description: 'sliding: the last `seconds`, always; fixed: windows that start every `seconds` and reset.',
  values: ['sliding', 'fixed'] as const,
});

/** GraphQL enum names cannot hold '-': `after-first-use` is after_first_use on the wire, mapped back here. */
const ApiKeyExpiryKindEnum = builder.enumType('ApiKeyExpiryKind', {
  values: {
    never: { value: 'never' },
    fixed: { value: 'fixed', description: 'Expires at `expiresAt`.' },
    after_first_use: {
      value: 'after-first-use',
      description: 'Expires `durationSeconds` after the first request it serves.',
    },
  } as const,
});

const COST_LIMIT_NAMES = [
  'daily',
  'weekly',
  'monthly',
  'total',
  ...MODEL_FAMILIES.map((family) => `weekly_${family}` as const),
] as const;

const CostLimitNameEnum = builder.enumType('CostLimitName', {
  description: 'A spend limit: per day, week, month, in total, or per week for one model family.',
  values: COST_LIMIT_NAMES,
});

// ---- Outputs -------------------------------------------------------------------------------------------------

const ConcurrencyQueueRef = builder.objectRef<NonNullable<Limits['queue']>>('ConcurrencyQueue').implement({
  description:
    'Requests over the concurrency limit wait for a slot (this many, this long) instead of failing.',
  fields: (t) => ({
    maxWaiters: t.exposeInt('maxWaiters'),
    maxWaitMs: t.exposeInt('maxWaitMs'),
  }),
});

const RateWindowRef = builder.objectRef<NonNullable<Limits['window']>>('RateWindow').implement({
  description: 'Requests, tokens and spend allowed per window of `seconds`; an absent limit does not apply.',
  fields: (t) => ({
    seconds: t.exposeInt('seconds'),
    mode: t.field({ type: RateWindowModeEnum, resolve: (window) => window.mode }),
    requests: t.exposeInt('requests', { nullable: true }),
    tokens: t.exposeFloat('tokens', { nullable: true }),
    costMicros: t.exposeFloat('costMicros', { nullable: true, description: MICROS }),
  }),
});

type FamilyCosts = NonNullable<Limits['weeklyCostMicrosByFamily']>;

const FamilyCostLimitsRef = builder.objectRef<FamilyCosts>('FamilyCostLimits').implement({
  description: `Weekly spend limit per model family. ${MICROS}`,
  fields: (t) =>
    Object.fromEntries(
      MODEL_FAMILIES.map((family) => [
        family,
        t.float({ nullable: true, resolve: (costs) => costs[family] ?? null }),
      ]),
    ),
});

export const ApiKeyLimitsRef = builder.objectRef<Limits>('ApiKeyLimits').implement({
  description: `What a key may use; an absent limit does not apply. ${MICROS}`,
  fields: (t) => ({
    concurrency: t.exposeInt('concurrency', { nullable: true, description: 'Requests in flight at once.' }),
    queue: t.expose('queue', { type: ConcurrencyQueueRef, nullable: true }),
    window: t.expose('window', { type: RateWindowRef, nullable: true }),
    dailyCostMicros: t.exposeFloat('dailyCostMicros', { nullable: true }),
    weeklyCostMicros: t.exposeFloat('weeklyCostMicros', { nullable: true }),
    monthlyCostMicros: t.exposeFloat('monthlyCostMicros', { nullable: true }),
    totalCostMicros: t.exposeFloat('totalCostMicros', { nullable: true }),
    weeklyCostMicrosByFamily: t.expose('weeklyCostMicrosByFamily', {
      type: FamilyCostLimitsRef,
      nullable: true,
    }),
  }),
});

export const ApiKeyExpiryRef = builder.objectRef<Expiry>('ApiKeyExpiry').implement({
  description: 'When the key stops working: never, at a fixed time, or some time after its first use.',
  fields: (t) => ({
    kind: t.field({ type: ApiKeyExpiryKindEnum, resolve: (expiry) => expiry.kind }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'kind fixed only.',
      resolve: (expiry) => (expiry.kind === 'fixed' ? new Date(expiry.expiresAt) : null),
    }),
    durationSeconds: t.int({
      nullable: true,
      description: 'kind after_first_use only.',
      resolve: (expiry) => (expiry.kind === 'after-first-use' ? expiry.durationSeconds : null),
    }),
  }),
});

const ApiKeyBindingRef = builder.objectRef<Binding>('ApiKeyBinding').implement({
  description: 'The one account, or the group of accounts, that serves the key on this platform.',
  fields: (t) => ({
    accountId: t.exposeString('accountId', { nullable: true }),
    groupId: t.exposeString('groupId', { nullable: true }),
  }),
});

export const ApiKeyBindingsRef = builder.objectRef<Bindings>('ApiKeyBindings').implement({
  description: 'A binding per platform (pool); a platform without one is served by its whole pool.',
  fields: (t) =>
    Object.fromEntries(
      PLATFORMS.map((platform) => [
        platform,
        t.field({
          type: ApiKeyBindingRef,
          nullable: true,
          resolve: (bindings) => bindings[platform] ?? null,
        }),
      ]),
    ),
});

const ConcurrencyUsageRef = builder.objectRef<KeyUsage['concurrency']>('ConcurrencyUsage').implement({
  fields: (t) => ({
    inFlight: t.exposeInt('inFlight'),
    limit: t.exposeInt('limit', { nullable: true }),
  }),
});

const RateWindowLimitsRef = builder.objectRef<KeyWindowUsage['limits']>('RateWindowLimits').implement({
  fields: (t) => ({
    requests: t.exposeInt('requests', { nullable: true }),
    tokens: t.exposeFloat('tokens', { nullable: true }),
    costMicros: t.exposeFloat('costMicros', { nullable: true }),
  }),
});

const RateWindowUsageRef = builder.objectRef<KeyWindowUsage>('RateWindowUsage').implement({
  description: 'What the current rate window holds, against its limits.',
  fields: (t) => ({
    mode: t.field({ type: RateWindowModeEnum, resolve: (window) => window.mode }),
    seconds: t.exposeInt('seconds'),
    requests: t.exposeFloat('requests'),
    tokens: t.exposeFloat('tokens'),
    costMicros: t.exposeFloat('costMicros'),
    limits: t.expose('limits', { type: RateWindowLimitsRef }),
    resetsAt: t.field({ type: 'DateTime', resolve: (window) => new Date(window.resetsAt) }),
  }),
});

const CostLimitUsageRef = builder.objectRef<CostLimitUsage>('CostLimitUsage').implement({
  description: MICROS,
  fields: (t) => ({
    name: t.field({ type: CostLimitNameEnum, resolve: (cost) => cost.name }),
    spentMicros: t.exposeFloat('spentMicros'),
    reservedMicros: t.exposeFloat('reservedMicros', {
      description: 'Worst cases of requests still running, held against the limit until they settle.',
    }),
    limitMicros: t.exposeFloat('limitMicros', { nullable: true }),
    resetsAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the period ends; null for the total.',
      resolve: (cost) => (cost.resetsAt === undefined ? null : new Date(cost.resetsAt)),
    }),
  }),
});

const ApiKeyActivationRef = builder
  .objectRef<NonNullable<KeyUsage['activation']>>('ApiKeyActivation')
  .implement({
    description: 'For keys that expire after their first use: when that was, and when the key expires.',
    fields: (t) => ({
      activatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (at) => dateOrNull(at.activatedAt) }),
      expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (at) => dateOrNull(at.expiresAt) }),
    }),
  });

export const ApiKeyLimitUsageRef = builder.objectRef<KeyUsage>('ApiKeyLimitUsage').implement({
  description: "A key's use of each of its limits now, with reset times.",
  fields: (t) => ({
    keyId: t.exposeString('keyId'),
    at: t.field({ type: 'DateTime', resolve: (usage) => new Date(usage.at) }),
    timeZone: t.exposeString('timeZone', { description: 'The zone days, weeks and months count in.' }),
    concurrency: t.expose('concurrency', { type: ConcurrencyUsageRef }),
    window: t.expose('window', { type: RateWindowUsageRef, nullable: true }),
    costs: t.expose('costs', { type: [CostLimitUsageRef] }),
    activation: t.expose('activation', { type: ApiKeyActivationRef, nullable: true }),
  }),
});

function dateOrNull(ms: number | undefined): Date | null {
  return ms === undefined ? null : new Date(ms);
}

// ---- Inputs --------------------------------------------------------------------------------------------------

const ConcurrencyQueueInputRef = builder.inputType('ConcurrencyQueueInput', {
  fields: (t) => ({
    maxWaiters: t.int({ required: true }),
    maxWaitMs: t.int({ required: true }),
  }),
});

const RateWindowInputRef = builder.inputType('RateWindowInput', {
  fields: (t) => ({
    seconds: t.int({ required: true }),
    mode: t.field({ type: RateWindowModeEnum, description: 'Default sliding.' }),
    requests: t.int(),
    tokens: t.float(),
    costMicros: t.float({ description: MICROS }),
  }),
});

const FamilyCostLimitsInputRef = builder.inputType('FamilyCostLimitsInput', {
  description: `Weekly spend limit per model family. ${MICROS}`,
  fields: (t) => Object.fromEntries(MODEL_FAMILIES.map((family) => [family, t.float()])),
});

export const ApiKeyLimitsInputRef = builder.inputType('ApiKeyLimitsInput', {
  description: `Replaces the key's limits as a whole; a limit left out does not apply. ${MICROS}`,
  fields: (t) => ({
    concurrency: t.int(),
    queue: t.field({ type: ConcurrencyQueueInputRef }),
    window: t.field({ type: RateWindowInputRef }),
    dailyCostMicros: t.float(),
    weeklyCostMicros: t.float(),
    monthlyCostMicros: t.float(),
    totalCostMicros: t.float(),
    weeklyCostMicrosByFamily: t.field({ type: FamilyCostLimitsInputRef }),
  }),
});

export const ApiKeyExpiryInputRef = builder.inputType('ApiKeyExpiryInput', {
  description: 'kind fixed takes expiresAt; kind after_first_use takes durationSeconds; never takes neither.',
  fields: (t) => ({
    kind: t.field({ type: ApiKeyExpiryKindEnum, required: true }),
    expiresAt: t.field({ type: 'DateTime' }),
    durationSeconds: t.int(),
  }),
});

const ApiKeyBindingInputRef = builder.inputType('ApiKeyBindingInput', {
  description: 'An account or a group, not both.',
  fields: (t) => ({
    accountId: t.string(),
    groupId: t.string(),
  }),
});

export const ApiKeyBindingsInputRef = builder.inputType('ApiKeyBindingsInput', {
  description: "Replaces the key's bindings as a whole; a platform left out is served by its whole pool.",
  fields: (t) =>
    Object.fromEntries(PLATFORMS.map((platform) => [platform, t.field({ type: ApiKeyBindingInputRef })])),
});

// ---- From inputs to the service's shape ----------------------------------------------------------------------

/** The typed fields of a key input as GraphQL gives them: absent, null, or the value. */
export interface KeySettingsArgs {
  limits?: object | null;
  expiry?: { kind: Expiry['kind']; expiresAt?: Date | null; durationSeconds?: number | null } | null;
  bindings?: object | null;
  modelMapping?: readonly ModelMappingPair[] | null;
}

/**
 * Limits, expiry, bindings and model mapping as the key service takes them; nulls mean "not given", as elsewhere
 * in the API. The result is checked by the service's schema, which names the offending field.
 */
export function keySettingsOf(
  args: KeySettingsArgs,
): Pick<UpdateApiKeyInput, 'limits' | 'expiry' | 'bindings' | 'modelMapping'> {
  return {
    ...(args.limits == null ? {} : { limits: withoutNulls(args.limits) as Limits }),
    ...(args.expiry == null ? {} : { expiry: expiryOf(args.expiry) }),
    ...(args.bindings == null ? {} : { bindings: withoutNulls(args.bindings) as Bindings }),
    ...(args.modelMapping == null ? {} : { modelMapping: mappingRecordOf(args.modelMapping) }),
  };
}

/** The union member of the kind; a field another kind takes is refused rather than silently dropped. */
function expiryOf(input: NonNullable<KeySettingsArgs['expiry']>): Expiry {
  const strayField = (field: 'expiresAt' | 'durationSeconds') => {
    if (input[field] == null) return;
    throw new AppError('invalid_request', `expiry.${field}: not taken by kind ${input.kind}`, {
      details: { field: `expiry.${field}` },
    });
  };
  switch (input.kind) {
    case 'never':
      strayField('expiresAt');
      strayField('durationSeconds');
      return { kind: 'never' };
    case 'fixed':
      strayField('durationSeconds');
      // A missing time is left for the schema to report (`expiry.expiresAt`).
      return { kind: 'fixed', expiresAt: input.expiresAt?.getTime() } as Expiry;
    case 'after-first-use':
      strayField('expiresAt');
      return { kind: 'after-first-use', durationSeconds: input.durationSeconds ?? undefined } as Expiry;
    default: {
      const unknownKind: never = input.kind;
      return unknownKind;
    }
  }
}

/** A copy without null-valued fields, at any depth (GraphQL's "not given" is the service's absent field). */
function withoutNulls(value: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, field]) => field != null)
      .map(([name, field]) => [
        name,
        typeof field === 'object' && !Array.isArray(field) && !(field instanceof Date)
          ? withoutNulls(field)
          : field,
      ]),
  );
}
