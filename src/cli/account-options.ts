// Options for an upstream account's settings and secrets, shared by `accounts create` and `accounts oauth-finish`.
import { AppError } from '../errors/app-error.js';
import type { CreateAccountInput } from '../services/accounts/account-types.js';
import { flag, integer, type OptionTable, type ParsedArgs, pairs, text, UsageError } from './args.js';
import { parseProxy } from './proxy-url.js';
import { readSecret } from './read-secret.js';

/** How an account is scheduled and reached; every kind takes these. */
export const ACCOUNT_SETTING_OPTIONS: OptionTable = {
  'base-url': { type: 'string', value: '<url>', description: 'upstream base URL (required for ccr)' },
  priority: { type: 'string', value: '<n>', description: 'lower is used first (1-1000, default 50)' },
  weight: {
    type: 'string',
    value: '<n>',
    description: 'share of traffic among accounts of equal priority (1-1000, default 1)',
  },
  'max-concurrency': { type: 'string', value: '<n>', description: 'concurrent requests, 0 = no limit' },
  dedicated: { type: 'boolean', description: 'serve only keys bound to it (or to a group it is in)' },
  map: {
    type: 'string',
    value: '<client=upstream>',
    multiple: true,
    description: 'model mapping (repeatable)',
  },
  proxy: { type: 'string', value: '<url>', description: 'http|https|socks5://[user@]host:port' },
  'project-id': {
    type: 'string',
    value: '<project>',
    description: 'gemini-oauth: the Google Cloud project for Code Assist (unset: the account’s own is found)',
  },
  'proxy-password': {
    type: 'string',
    value: '<password>',
    description: 'password for the proxy user; "-" reads it from stdin',
  },
};

export type AccountSettings = Pick<
  CreateAccountInput,
  'baseUrl' | 'priority' | 'weight' | 'maxConcurrency' | 'modelMapping' | 'proxy' | 'projectId' | 'dedicated'
>;

/** Reads the settings options; the proxy password is a secret and comes through `secretOptions`. */
export function parseAccountSettings(args: ParsedArgs, topic: string): AccountSettings {
  const proxy = text(args, 'proxy');
  if (text(args, 'proxy-password') !== undefined && proxy === undefined) {
    throw new UsageError('--proxy-password needs --proxy', topic);
  }
  return {
    baseUrl: text(args, 'base-url'),
    priority: integer(args, 'priority', { min: 1, max: 1000 }, topic),
    weight: integer(args, 'weight', { min: 1, max: 1000 }, topic),
    maxConcurrency: integer(args, 'max-concurrency', { min: 0, max: 10_000 }, topic),
    ...(flag(args, 'dedicated') ? { dedicated: true } : {}),
    modelMapping: pairs(args, 'map', topic),
    proxy: proxy === undefined ? undefined : parseProxy(proxy, topic),
    projectId: text(args, 'project-id'),
  };
}

/** Secret options as given: a value, or `-` for the one that comes from stdin. */
export type SecretArgs<Field extends string> = Partial<Record<Field, { option: string; value: string }>>;

/**
 * The secret options given, by the field each fills. At most one may be `-`: stdin holds a single secret, and
 * reading it is what keeps the secret out of shell history and the process list.
 */
export function secretOptions<Field extends string>(
  args: ParsedArgs,
  fields: Readonly<Record<Field, string>>,
  topic: string,
): SecretArgs<Field> {
  const given: SecretArgs<Field> = {};
  for (const [field, option] of Object.entries(fields) as Array<[Field, string]>) {
    const value = text(args, option);
    if (value !== undefined) given[field] = { option, value };
  }
  const fromStdin = Object.values<{ option: string; value: string } | undefined>(given).filter(
    (item) => item?.value === '-',
  );
  if (fromStdin.length > 1) {
    const names = fromStdin.map((item) => `--${item?.option}`).join(' and ');
    throw new UsageError(`only one option can read stdin ("-"), not ${names}`, topic);
  }
  return given;
}

/** The secrets' values, reading stdin for the one given as `-`; an empty value is refused naming its option. */
export async function readSecrets<Field extends string>(
  given: SecretArgs<Field>,
): Promise<Partial<Record<Field, string>>> {
  const values: Partial<Record<Field, string>> = {};
  for (const [field, item] of Object.entries(given) as Array<[Field, { option: string; value: string }]>) {
    const value = item.value === '-' ? await readSecret(process.stdin, `--${item.option}`) : item.value;
    if (value === '') {
      const where = item.value === '-' ? ' (nothing was read from stdin)' : '';
      throw new AppError('invalid_request', `--${item.option} must not be empty${where}`);
    }
    values[field] = value;
  }
  return values;
}
