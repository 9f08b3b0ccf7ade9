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
      args: [...argv],
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

/** Checks required options and the positional count, after `--help` had its chance. */
export function checkShape(
  args: ParsedArgs,
  table: OptionTable,
  positionalNames: readonly string[],
  topic: string,
) {
  for (const [name, spec] of Object.entries(table)) {
    if (spec.required && args.values[name] === undefined)
      throw new UsageError(`--${name} is required`, topic);
  }
  const [extra] = args.positionals.slice(positionalNames.length);
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
