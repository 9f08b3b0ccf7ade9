// Command-line parsing for the admin CLI: per-command option tables over node:util parseArgs, typed readers.
import { parseArgs } from 'node:util';

/** Bad input: the CLI prints the message with the relevant usage and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show, as `group action`, or a group, or undefined for the overview. */
    readonly topic?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder shown in usage, e.g. `<name>`; string options only. */
  value?: string;
  /** May be given more than once; the values arrive as a list in order. */
  multiple?: boolean;
  required?: boolean;
  description: string;
}

/** Long option name (without `--`) → spec. Adding an option to a command is one line here. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionTable = {
  json: { type: 'boolean', description: 'print exactly one JSON document to stdout' },
  help: { type: 'boolean', description: 'show this help' },
};

export type OptionValue = string | boolean | Array<string | boolean> | undefined;

export interface ParsedArgs {
  values: Readonly<Record<string, OptionValue>>;
  positionals: readonly string[];
}

/** Parses one command's arguments strictly: unknown options and missing values are usage errors. */
export function parseCommandArgs(argv: readonly string[], table: OptionTable, topic: string): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries({ ...COMMON_OPTIONS, ...table })) {
    options[name] = spec.multiple ? { type: spec.type, multiple: true } : { type: spec.type };
  }
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      strict: true,
      allowPositionals: true,
    });
    return { values, positionals };
  } catch (error) {
    // parseArgs appends advice about `--` to unknown options, which only confuses here.
    const message = error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error);
    throw new UsageError(message, topic);
  }
}

/**
 * `--name -1` as `--name=-1`: parseArgs takes a value starting with `-` for an option and refuses it, which
 * would hide the real complaint (a negative amount) behind advice about quoting, and would refuse outright a
 * pasted OAuth code or secret that happens to start with `-` (one in 64 base64url strings does). The CLI has
 * no short options, so a string option's next argument that starts with one dash (but is not `-`, stdin) is
 * its value.
 */
function joinNegativeValues(
  argv: readonly string[],
  options: Readonly<Record<string, { type: 'string' | 'boolean' }>>,
): string[] {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const item = argv[index] ?? '';
    const next = argv[index + 1];
    const name = item.startsWith('--') ? item.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-[^-]/.test(next)) {
      joined.push(`${item}=${next}`);
      index++;
    } else {
      joined.push(item);
    }
  }
  return joined;
}

/**
 * Checks required options and the positional count, after `--help` had its chance. With `variadic`, the last
 * positional takes every remaining argument.
 */
export function checkShape(
  args: ParsedArgs,
  table: OptionTable,
  positionalNames: readonly string[],
  topic: string,
  variadic = false,
) {
  for (const [name, spec] of Object.entries(table)) {
    if (spec.required && args.values[name] === undefined)
      throw new UsageError(`--${name} is required`, topic);
  }
  const [extra] = variadic ? [] : args.positionals.slice(positionalNames.length);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, topic);
  const missing = positionalNames[args.positionals.length];
  if (missing !== undefined) throw new UsageError(`<${missing}> is required`, topic);
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function text(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredText(args: ParsedArgs, name: string, topic: string): string {
  const value = text(args, name);
  if (value === undefined) throw new UsageError(`--${name} is required`, topic);
  return value;
}

export function list(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (!Array.isArray(value)) return typeof value === 'string' ? [value] : [];
  return value.filter((item): item is string => typeof item === 'string');
}

export function positional(args: ParsedArgs, index: number): string {
  return args.positionals[index] ?? '';
}

/** The positionals from `index` on, for a command whose last positional is variadic. */
export function positionalsFrom(args: ParsedArgs, index: number): string[] {
  return args.positionals.slice(index);
}

export function integer(
  args: ParsedArgs,
  name: string,
  range: { min: number; max: number },
  topic: string,
): number | undefined {
  const value = text(args, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`, topic);
  const number = Number(value);
  if (number < range.min || number > range.max) {
    throw new UsageError(`--${name} must be between ${range.min} and ${range.max}`, topic);
  }
  return number;
}

export function choice<T extends string>(
  args: ParsedArgs,
  name: string,
  choices: readonly T[],
  topic: string,
): T | undefined {
  const value = text(args, name);
  if (value === undefined) return undefined;
  const found = choices.find((candidate) => candidate === value);
  if (found === undefined) throw new UsageError(`--${name} must be one of: ${choices.join(', ')}`, topic);
  return found;
}

/** `YYYY-MM-DD` that names a real calendar day (UTC). */
export function day(args: ParsedArgs, name: string, topic: string): string | undefined {
  const value = text(args, name);
  if (value === undefined) return undefined;
  const at = Date.parse(`${value}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    !Number.isFinite(at) ||
    new Date(at).toISOString().slice(0, 10) !== value
  ) {
    throw new UsageError(`--${name} must be a date as YYYY-MM-DD`, topic);
  }
  return value;
}

/** Repeated `--name left=right` pairs as a record; the split is at the first `=`. */
export function pairs(args: ParsedArgs, name: string, topic: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of list(args, name)) {
    const split = item.indexOf('=');
    const left = item.slice(0, split).trim();
    const right = item.slice(split + 1).trim();
    if (split < 0 || left === '' || right === '') {
      throw new UsageError(`--${name} must look like from=to (got "${item}")`, topic);
    }
    if (Object.hasOwn(result, left)) throw new UsageError(`--${name} gives "${left}" twice`, topic);
    result[left] = right;
  }
  return result;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `30m`, `12h`, `7d`, `1h30m`, `500ms` in milliseconds, or undefined when it is no such duration. */
export function parseDurationMs(value: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) {
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** A positive duration within `max`; `unit: 's'` also demands whole seconds, for limits kept in seconds. */
export function duration(
  args: ParsedArgs,
  name: string,
  bounds: { max: number; unit: 'ms' | 's' },
  topic: string,
): number | undefined {
  const value = text(args, name);
  if (value === undefined) return undefined;
  const ms = parseDurationMs(value);
  const step = bounds.unit === 's' ? 1000 : 1;
  if (ms === undefined || ms <= 0 || ms % step !== 0) {
    const example = bounds.unit === 's' ? '30s, 15m, 12h or 7d' : '500ms, 30s or 2m';
    throw new UsageError(`--${name} must be a duration such as ${example} (got "${value}")`, topic);
  }
  if (ms > bounds.max) throw new UsageError(`--${name} must be at most ${formatMs(bounds.max)}`, topic);
  return ms / step;
}

/** The largest units first, in the syntax `duration` reads back: `1d12h`, `30m`, `1500ms`. */
export function formatMs(ms: number): string {
  if (ms % 1000 !== 0 || ms === 0) return `${ms}ms`;
  let rest = ms;
  let shown = '';
  for (const unit of ['d', 'h', 'm', 's']) {
    const size = UNIT_MS[unit] ?? 1;
    if (rest >= size) {
      shown += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return shown;
}

/** USD with at most six decimals as integer micro-USD, from the digits themselves so no float rounding. */
export function parseUsdMicros(value: string): number | undefined {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(value);
  if (!match) return undefined;
  const micros = BigInt(match[1] ?? '0') * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'));
  return micros <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(micros) : undefined;
}

export function usdMicros(args: ParsedArgs, name: string, topic: string): number | undefined {
  const value = text(args, name);
  if (value === undefined) return undefined;
  const micros = parseUsdMicros(value);
  if (micros === undefined) {
    const why = value.startsWith('-') ? 'must not be negative' : 'must be an amount in USD such as 10 or 2.5';
    throw new UsageError(`--${name} ${why}, with at most 6 decimals (got "${value}")`, topic);
  }
  return micros;
}

/**
 * An ISO 8601 date-time with its zone (`2026-12-31T23:59:59Z`, `…+01:00`) as ms since the epoch. The zone is
 * required because without one the instant would depend on wherever the CLI happens to run.
 */
export function dateTime(args: ParsedArgs, name: string, topic: string): number | undefined {
  const value = text(args, name);
  if (value === undefined) return undefined;
  const match =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(
      value,
    );
  const [year, month, dayOfMonth, hour, minute, second] = (match?.slice(1, 7) ?? []).map((part) =>
    Number(part ?? 0),
  );
  const wall = Date.UTC(year ?? 0, (month ?? 1) - 1, dayOfMonth ?? 0, hour ?? 0, minute ?? 0, second ?? 0);
  const check = new Date(wall);
  // Date.UTC rolls Feb 30 over into March; a real date comes back unchanged.
  const real =
    match !== null &&
    check.getUTCFullYear() === year &&
    check.getUTCMonth() + 1 === month &&
    check.getUTCDate() === dayOfMonth &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute;
  if (!match || !real) {
    throw new UsageError(
      `--${name} must be an ISO date-time with a zone, e.g. 2026-12-31T23:59:59Z (got "${value}")`,
      topic,
    );
  }
  const sign = match[9] === '-' ? -1 : 1;
  const offsetMinutes = match[8] === 'Z' ? 0 : sign * (Number(match[10]) * 60 + Number(match[11]));
  return wall + Number((match[7] ?? '').padEnd(3, '0')) - offsetMinutes * 60_000;
}

/** At most one of these options; returns the one given, if any. */
export function oneOf(args: ParsedArgs, names: readonly string[], topic: string): string | undefined {
  const given = names.filter((name) => args.values[name] !== undefined);
  if (given.length > 1) {
    throw new UsageError(`${given.map((name) => `--${name}`).join(' and ')} cannot be combined`, topic);
  }
  return given[0];
}
