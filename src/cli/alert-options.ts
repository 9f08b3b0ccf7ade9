// Options for an alert rule's condition, shared by `alerts create` and `alerts update`: each option sets one
// field of the condition for the kinds that have it (the service's schema drops fields a kind does not have,
// so giving one is refused here, naming the kinds it is for), and the fields the service's errors name mapped
// back to options.
import {
  type AlertKind,
  alertConditionSchema,
  type CreateAlertRuleInput,
  WATCHED_STATES,
  WINDOW_SCOPES,
} from '../services/alerts/alert-rule-types.js';
import { PLATFORMS } from '../services/domain/platforms.js';
import {
  choice,
  duration,
  integer,
  list,
  type OptionSpec,
  type OptionTable,
  type ParsedArgs,
  text,
  UsageError,
  usdMicros,
} from './args.js';
import type { FieldOptions } from './field-options.js';

export const ALERT_KINDS: readonly AlertKind[] = alertConditionSchema.options.map(
  (option) => option.shape.kind.value,
);

type ConditionInput = CreateAlertRuleInput['condition'];

interface ConditionOption {
  spec: OptionSpec;
  field: string;
  kinds: readonly AlertKind[];
  read(args: ParsedArgs, name: string, topic: string): unknown;
}

const WINDOWED: readonly AlertKind[] = ['error_rate', 'latency_p95'];
const SCOPED: readonly AlertKind[] = [...WINDOWED, 'spend_anomaly'];
const SCOPES = [...new Set([...WINDOW_SCOPES, 'key' as const])];

/** A decimal number, or a percentage (`5%`) as `percent` says: a share (0.05) or the number itself (5). */
function decimal(args: ParsedArgs, name: string, topic: string, percent: 'share' | 'number') {
  const value = text(args, name);
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(value);
  if (!match) throw new UsageError(`--${name} must be a number such as 5 or 0.5 (got "${value}")`, topic);
  const number = Number(match[1]);
  return match[2] === '%' && percent === 'share' ? number / 100 : number;
}

const CONDITION_OPTIONS: Readonly<Record<string, ConditionOption>> = {
  state: {
    spec: {
      type: 'string',
      value: WATCHED_STATES.join('|'),
      multiple: true,
      description: 'default auth_failed',
    },
    field: 'states',
    kinds: ['account_state'],
    read(args, name, topic) {
      const states = list(args, name);
      const unknown = states.find((state) => !(WATCHED_STATES as readonly string[]).includes(state));
      if (unknown !== undefined) {
        throw new UsageError(
          `--${name} must be one of: ${WATCHED_STATES.join(', ')} (got "${unknown}")`,
          topic,
        );
      }
      return states.length === 0 ? undefined : states;
    },
  },
  account: {
    spec: { type: 'string', value: '<accountId>', description: 'only this account' },
    field: 'accountId',
    kinds: ['account_state'],
    read: (args, name) => text(args, name),
  },
  platform: {
    spec: { type: 'string', value: PLATFORMS.join('|'), description: 'only accounts of this platform' },
    field: 'platform',
    kinds: ['account_state'],
    read: (args, name, topic) => choice(args, name, PLATFORMS, topic),
  },
  percent: {
    spec: { type: 'string', value: '<1-100>', description: 'share of any of a key’s limits, e.g. 80' },
    field: 'percent',
    kinds: ['key_limit'],
    read: (args, name, topic) => decimal(args, name, topic, 'number'),
  },
  key: {
    spec: { type: 'string', value: '<keyId>', description: 'only this key' },
    field: 'keyId',
    kinds: ['key_limit'],
    read: (args, name) => text(args, name),
  },
  threshold: {
    spec: { type: 'string', value: '<share>', description: 'error share that fires, e.g. 5% or 0.05' },
    field: 'threshold',
    kinds: ['error_rate'],
    read: (args, name, topic) => decimal(args, name, topic, 'share'),
  },
  latency: {
    spec: { type: 'string', value: '<duration>', description: 'p95 latency that fires, e.g. 2s' },
    field: 'thresholdMs',
    kinds: ['latency_p95'],
    read: (args, name, topic) => duration(args, name, { max: 3_600_000, unit: 'ms' }, topic),
  },
  scope: {
    spec: { type: 'string', value: SCOPES.join('|'), description: 'what the value is computed over' },
    field: 'scope',
    kinds: SCOPED,
    read: (args, name, topic) => choice(args, name, SCOPES, topic),
  },
  subject: {
    spec: {
      type: 'string',
      value: '<id|model>',
      description: 'with a scope other than global: only this one',
    },
    field: 'subject',
    kinds: SCOPED,
    read: (args, name) => text(args, name),
  },
  window: {
    spec: { type: 'string', value: '<duration>', description: '1m to 24h, default 5m' },
    field: 'windowMs',
    kinds: WINDOWED,
    read: (args, name, topic) => duration(args, name, { max: 86_400_000, unit: 'ms' }, topic),
  },
  'min-requests': {
    spec: {
      type: 'string',
      value: '<n>',
      description: 'fewer requests in the window decide nothing (default 20)',
    },
    field: 'minRequests',
    kinds: WINDOWED,
    read: (args, name, topic) => integer(args, name, { min: 1, max: 1_000_000 }, topic),
  },
  factor: {
    spec: {
      type: 'string',
      value: '<n>',
      description: 'this hour’s spend over the trailing average (default 3)',
    },
    field: 'factor',
    kinds: ['spend_anomaly'],
    read: (args, name, topic) => decimal(args, name, topic, 'number'),
  },
  'trailing-hours': {
    spec: { type: 'string', value: '<n>', description: 'hours the average is over (1-168, default 24)' },
    field: 'trailingHours',
    kinds: ['spend_anomaly'],
    read: (args, name, topic) => integer(args, name, { min: 1, max: 168 }, topic),
  },
  'min-cost': {
    spec: {
      type: 'string',
      value: '<usd>',
      description: 'spend below this in the hour never fires (default 1)',
    },
    field: 'minCostMicros',
    kinds: ['spend_anomaly'],
    read: (args, name, topic) => usdMicros(args, name, topic),
  },
};

export const CONDITION_OPTION_TABLE: OptionTable = Object.fromEntries(
  Object.entries(CONDITION_OPTIONS).map(([name, option]) => [
    name,
    { ...option.spec, description: `${option.kinds.join(', ')}: ${option.spec.description}` },
  ]),
);

/** The record fields the alert service names in its errors, and the option that set each. */
export const ALERT_FIELD_OPTIONS: FieldOptions = {
  name: 'name',
  severity: 'severity',
  cooldownMs: 'cooldown',
  channelIds: 'channel',
  condition: 'kind',
  ...Object.fromEntries(
    Object.entries(CONDITION_OPTIONS).map(([name, option]) => [`condition.${option.field}`, name]),
  ),
};

/** The condition options given, read and checked for form before anything connects. */
export type GivenCondition = ReadonlyMap<string, unknown>;

export function readCondition(args: ParsedArgs, topic: string): GivenCondition {
  const given = new Map<string, unknown>();
  for (const [name, option] of Object.entries(CONDITION_OPTIONS)) {
    const value = option.read(args, name, topic);
    if (value !== undefined) given.set(name, value);
  }
  return given;
}

/**
 * The condition of `kind` with the options given, over `base` (the rule's current condition when the kind
 * stays). Options of other kinds are refused: the service would silently drop them.
 */
export function conditionOf(
  kind: AlertKind,
  given: GivenCondition,
  topic: string,
  base: Record<string, unknown> = {},
): ConditionInput {
  const condition: Record<string, unknown> = { ...base, kind };
  for (const [name, value] of given) {
    const option = CONDITION_OPTIONS[name];
    if (option === undefined) continue;
    if (!option.kinds.includes(kind)) {
      throw new UsageError(`--${name} is only for ${option.kinds.join(', ')} rules, not ${kind}`, topic);
    }
    condition[option.field] = value;
  }
  // The service's schema checks every field, naming the one at fault.
  return condition as ConditionInput;
}
