// Options for an API key's restrictions and limits, shared by `keys create` and `keys update`, and their parsing.
import { type ApiKey, BODY_CAPTURE_MODES } from '../services/api-keys/api-key-types.js';
import { CLIENT_KINDS, MODEL_FAMILIES, type ModelFamily, PLATFORMS } from '../services/domain/platforms.js';
import {
  choice,
  dateTime,
  duration,
  flag,
  integer,
  list,
  oneOf,
  type ParsedArgs,
  pairs,
  text,
  UsageError,
  usdMicros,
} from './args.js';
import {
  COST_FIELDS,
  COST_PERIODS,
  type CostPeriod,
  DAY_MS,
  LIMIT_FIELDS,
  MAX_COUNT,
  REMOVABLE,
  REMOVABLE_NAMES,
  WINDOW_FIELDS,
} from './key-option-table.js';

type Limits = ApiKey['limits'];
type RateWindow = NonNullable<Limits['window']>;

/** Limit options as given: merged into a key's limits (none for a new key) by `applyLimitChanges`. */
export interface LimitChanges {
  concurrency?: number;
  queue?: NonNullable<Limits['queue']>;
  window?: Partial<RateWindow>;
  costs: Partial<Record<CostPeriod, number>>;
  families: Partial<Record<ModelFamily, number>>;
  remove: string[];
}

/** Every setting the options name; an absent field leaves the key's value alone. */
export interface KeyChanges {
  name?: string;
  description?: string;
  enabled?: boolean;
  expiry?: ApiKey['expiry'];
  platforms?: ApiKey['platforms'];
  modelAllow?: string[];
  modelDeny?: string[];
  clients?: ApiKey['clients'];
  modelMapping?: ApiKey['modelMapping'];
  tags?: string[];
  limits?: LimitChanges;
  /** The key's binding in the Claude pool; null removes it. */
  claudeBinding?: Binding | null;
  bindingFallback?: ApiKey['bindingFallback'];
  bodyCapture?: ApiKey['bodyCapture'];
}

type Binding = NonNullable<ApiKey['bindings']['claude']>;

function claudeBindingOf(args: ParsedArgs, topic: string): Binding | null | undefined {
  const given = oneOf(args, ['bind-account', 'bind-group', 'unbind'], topic);
  if (given === undefined) return undefined;
  if (given === 'unbind') return null;
  const id = text(args, given) ?? '';
  if (id.trim() === '') throw new UsageError(`--${given} needs an id`, topic);
  return given === 'bind-account' ? { accountId: id } : { groupId: id };
}

/** The bindings with the Claude one replaced (or removed, for null); other platforms' bindings stay. */
export function withClaudeBinding(bindings: ApiKey['bindings'], binding: Binding | null): ApiKey['bindings'] {
  const others = Object.fromEntries(Object.entries(bindings).filter(([platform]) => platform !== 'claude'));
  return binding === null ? others : { ...others, claude: binding };
}

function expiryOf(args: ParsedArgs, topic: string): ApiKey['expiry'] | undefined {
  const given = oneOf(args, ['expires-at', 'expires-after-first-use', 'no-expiry'], topic);
  if (given === 'no-expiry') return { kind: 'never' };
  const expiresAt = dateTime(args, 'expires-at', topic);
  if (expiresAt !== undefined) return { kind: 'fixed', expiresAt };
  const seconds = duration(args, 'expires-after-first-use', { max: 3650 * DAY_MS, unit: 's' }, topic);
  return seconds === undefined ? undefined : { kind: 'after-first-use', durationSeconds: seconds };
}

/** A repeatable list option and its clearing flag: the new list, or undefined when neither was given. */
function listChange<T>(
  args: ParsedArgs,
  name: string,
  clear: string,
  topic: string,
  read: (value: string) => T,
): T[] | undefined {
  oneOf(args, [name, clear], topic);
  if (flag(args, clear)) return [];
  const values = list(args, name);
  return values.length === 0 ? undefined : [...new Set(values.map(read))];
}

/** `--map` pairs replace the key's mapping, `--clear-map` empties it; neither leaves it alone. */
function mappingChange(args: ParsedArgs, topic: string): ApiKey['modelMapping'] | undefined {
  oneOf(args, ['map', 'clear-map'], topic);
  if (flag(args, 'clear-map')) return {};
  return list(args, 'map').length === 0 ? undefined : pairs(args, 'map', topic);
}

function enumReader<T extends string>(name: string, choices: readonly T[], topic: string) {
  return (value: string): T => {
    const found = choices.find((candidate) => candidate === value);
    if (found === undefined) {
      throw new UsageError(`--${name} must be one of: ${choices.join(', ')} (got "${value}")`, topic);
    }
    return found;
  };
}

function limitChanges(args: ParsedArgs, topic: string): LimitChanges | undefined {
  const remove = [...new Set(list(args, 'no-limit'))];
  for (const name of remove) {
    const setters = REMOVABLE[name];
    if (setters === undefined) {
      throw new UsageError(`--no-limit must be one of: ${REMOVABLE_NAMES.join(', ')} (got "${name}")`, topic);
    }
    const clash = setters.find((setter) => args.values[setter] !== undefined);
    if (clash !== undefined)
      throw new UsageError(`--no-limit ${name} and --${clash} cannot be combined`, topic);
  }
  const waiters = integer(args, 'queue-waiters', { min: 1, max: 10_000 }, topic);
  const waitMs = duration(args, 'queue-wait', { max: 600_000, unit: 'ms' }, topic);
  const window = definedOnly({
    seconds: duration(args, 'window', { max: 31 * DAY_MS, unit: 's' }, topic),
    mode: choice(args, 'window-mode', ['sliding', 'fixed'] as const, topic),
    requests: integer(args, 'window-requests', { min: 1, max: 1_000_000_000 }, topic),
    tokens: integer(args, 'window-tokens', { min: 1, max: MAX_COUNT }, topic),
    costMicros: usdMicros(args, 'window-cost-usd', topic),
  });
  const changes: LimitChanges = {
    concurrency: integer(args, 'concurrency', { min: 1, max: 10_000 }, topic),
    queue:
      waiters === undefined || waitMs === undefined ? undefined : { maxWaiters: waiters, maxWaitMs: waitMs },
    window: Object.keys(window).length === 0 ? undefined : window,
    costs: definedOnly(
      Object.fromEntries(
        COST_PERIODS.map((period) => [period, usdMicros(args, `${period}-cost-usd`, topic)]),
      ),
    ),
    families: definedOnly(
      Object.fromEntries(
        MODEL_FAMILIES.map((family) => [family, usdMicros(args, `weekly-cost-usd-${family}`, topic)]),
      ),
    ),
    remove,
  };
  // After every value has been read, so that a bad value is reported before how the options combine.
  if ((waiters === undefined) !== (waitMs === undefined)) {
    throw new UsageError('--queue-waiters and --queue-wait go together: give both or neither', topic);
  }
  const given =
    changes.concurrency !== undefined ||
    changes.queue !== undefined ||
    changes.window !== undefined ||
    Object.keys(changes.costs).length > 0 ||
    Object.keys(changes.families).length > 0 ||
    remove.length > 0;
  return given ? changes : undefined;
}

/** Reads and checks every setting option; nothing here needs Redis, so bad input fails before connecting. */
export function parseKeyChanges(args: ParsedArgs, topic: string): KeyChanges {
  const enabled = choice(args, 'enabled', ['true', 'false'] as const, topic);
  oneOf(args, ['tag', 'clear-tags'], topic);
  const tags = flag(args, 'clear-tags') ? [] : list(args, 'tag');
  return definedOnly({
    name: text(args, 'name'),
    description: text(args, 'description'),
    enabled: enabled === undefined ? undefined : enabled === 'true',
    expiry: expiryOf(args, topic),
    platforms: listChange(args, 'platform', 'any-platform', topic, enumReader('platform', PLATFORMS, topic)),
    modelAllow: listChange(args, 'allow-model', 'clear-allow-models', topic, (value) => value),
    modelDeny: listChange(args, 'deny-model', 'clear-deny-models', topic, (value) => value),
    clients: listChange(args, 'client', 'any-client', topic, enumReader('client', CLIENT_KINDS, topic)),
    modelMapping: mappingChange(args, topic),
    tags: tags.length === 0 && !flag(args, 'clear-tags') ? undefined : tags,
    limits: limitChanges(args, topic),
    claudeBinding: claudeBindingOf(args, topic),
    bindingFallback: choice(args, 'binding-fallback', ['fail', 'pool'] as const, topic),
    bodyCapture: choice(args, 'body-capture', BODY_CAPTURE_MODES, topic),
  });
}

/**
 * The key's limits with the changes merged in: given limits replace the key's, window settings merge into its
 * window, removals go last. A UsageError if the result names a window limit but no window length.
 */
export function applyLimitChanges(current: Limits, changes: LimitChanges, topic: string): Limits {
  const next: Limits = { ...current };
  if (changes.concurrency !== undefined) next.concurrency = changes.concurrency;
  if (changes.queue !== undefined) next.queue = changes.queue;
  if (changes.window !== undefined) {
    const seconds = changes.window.seconds ?? current.window?.seconds;
    if (seconds === undefined) {
      throw new UsageError('--window <duration> is required: the key has no rate window yet', topic);
    }
    const mode = changes.window.mode ?? current.window?.mode ?? 'sliding';
    next.window = { ...current.window, ...changes.window, seconds, mode };
  }
  for (const period of COST_PERIODS) {
    const micros = changes.costs[period];
    if (micros !== undefined) next[COST_FIELDS[period]] = micros;
  }
  if (Object.keys(changes.families).length > 0) {
    next.weeklyCostMicrosByFamily = { ...current.weeklyCostMicrosByFamily, ...changes.families };
  }
  return changes.remove.reduce(removeLimit, next);
}

function removeLimit(limits: Limits, name: string): Limits {
  const field = LIMIT_FIELDS[name];
  if (field !== undefined) return definedOnly({ ...limits, [field]: undefined });
  const windowField = WINDOW_FIELDS[name];
  if (windowField !== undefined) {
    return limits.window
      ? { ...limits, window: definedOnly({ ...limits.window, [windowField]: undefined }) }
      : limits;
  }
  const family = MODEL_FAMILIES.find((candidate) => `weekly-${candidate}` === name);
  if (family === undefined || limits.weeklyCostMicrosByFamily === undefined) return limits;
  const families = definedOnly({ ...limits.weeklyCostMicrosByFamily, [family]: undefined });
  return definedOnly({
    ...limits,
    weeklyCostMicrosByFamily: Object.keys(families).length > 0 ? families : undefined,
  });
}

/**
 * The object without its undefined fields. The key service spreads an update over the stored key, so a field
 * present as undefined would erase the stored value instead of leaving it alone.
 */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
