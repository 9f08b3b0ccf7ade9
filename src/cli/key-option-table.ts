// The option table of an API key's restrictions and limits (`keys create`, `keys update`), and the names
// `--no-limit` takes; key-options.ts reads what was given.
import type { ApiKey } from '../services/api-keys/api-key-types.js';
import { CLIENT_KINDS, MODEL_FAMILIES, PLATFORMS } from '../services/domain/platforms.js';
import type { OptionTable } from './args.js';

type Limits = ApiKey['limits'];

export const DAY_MS = 86_400_000;
export const MAX_COUNT = Number.MAX_SAFE_INTEGER;

export const COST_FIELDS = {
  daily: 'dailyCostMicros',
  weekly: 'weeklyCostMicros',
  monthly: 'monthlyCostMicros',
  total: 'totalCostMicros',
} as const;
export type CostPeriod = keyof typeof COST_FIELDS;
export const COST_PERIODS = Object.keys(COST_FIELDS) as CostPeriod[];

/** `--no-limit` names that remove a whole field of the limits. */
export const LIMIT_FIELDS: Readonly<Record<string, keyof Limits>> = {
  concurrency: 'concurrency',
  queue: 'queue',
  window: 'window',
  ...COST_FIELDS,
};

/** `--no-limit` names that remove one limit of the rate window, keeping the window and its others. */
export const WINDOW_FIELDS: Readonly<Record<string, 'requests' | 'tokens' | 'costMicros'>> = {
  'window-requests': 'requests',
  'window-tokens': 'tokens',
  'window-cost': 'costMicros',
};

/** What `--no-limit` can remove, each with the options that would set it (giving both is a contradiction). */
export const REMOVABLE: Readonly<Record<string, readonly string[]>> = {
  concurrency: ['concurrency'],
  queue: ['queue-waiters', 'queue-wait'],
  window: ['window', 'window-mode', 'window-requests', 'window-tokens', 'window-cost-usd'],
  'window-requests': ['window-requests'],
  'window-tokens': ['window-tokens'],
  'window-cost': ['window-cost-usd'],
  ...Object.fromEntries(COST_PERIODS.map((period) => [period, [`${period}-cost-usd`]])),
  ...Object.fromEntries(MODEL_FAMILIES.map((family) => [`weekly-${family}`, [`weekly-cost-usd-${family}`]])),
};
export const REMOVABLE_NAMES = Object.keys(REMOVABLE);

/** Restrictions and limits; create and update both take these. */
const KEY_SETTING_OPTIONS: OptionTable = {
  description: { type: 'string', value: '<text>', description: 'what the key is for' },
  'expires-at': {
    type: 'string',
    value: '<date-time>',
    description: 'stop working at this ISO date-time with zone, e.g. 2026-12-31T23:59:59Z',
  },
  'expires-after-first-use': {
    type: 'string',
    value: '<duration>',
    description: 'stop working this long after the first request, e.g. 12h or 30d',
  },
  platform: {
    type: 'string',
    value: PLATFORMS.join('|'),
    multiple: true,
    description: 'only these platforms (repeatable; all when none given)',
  },
  'allow-model': {
    type: 'string',
    value: '<model|prefix*>',
    multiple: true,
    description: 'only these models (repeatable; all when none given)',
  },
  'deny-model': {
    type: 'string',
    value: '<model|prefix*>',
    multiple: true,
    description: 'never these models (repeatable)',
  },
  client: {
    type: 'string',
    value: CLIENT_KINDS.join('|'),
    multiple: true,
    description: 'only these clients (repeatable; all when none given)',
  },
  map: {
    type: 'string',
    value: '<client=served>',
    multiple: true,
    description:
      'serve requests for model client as model served, which picks the pool and is restricted and billed ' +
      '(repeatable; on update, replaces the mapping)',
  },
  concurrency: { type: 'string', value: '<n>', description: 'requests in flight at once (1-10000)' },
  'queue-waiters': {
    type: 'string',
    value: '<n>',
    description: 'over the concurrency limit, up to n requests wait for a slot (needs --queue-wait)',
  },
  'queue-wait': {
    type: 'string',
    value: '<duration>',
    description: 'how long a queued request waits at most, up to 10m (needs --queue-waiters)',
  },
  window: {
    type: 'string',
    value: '<duration>',
    description: 'rate window length, e.g. 5m or 1h (up to 31d)',
  },
  'window-mode': {
    type: 'string',
    value: 'sliding|fixed',
    description: 'how the window moves (default: sliding, or what the key had)',
  },
  'window-requests': { type: 'string', value: '<n>', description: 'requests per window' },
  'window-tokens': { type: 'string', value: '<n>', description: 'tokens per window' },
  'window-cost-usd': { type: 'string', value: '<usd>', description: 'spend per window, USD' },
  ...Object.fromEntries(
    COST_PERIODS.map((period) => [
      `${period}-cost-usd`,
      {
        type: 'string',
        value: '<usd>',
        description: period === 'total' ? 'spend for the life of the key, USD' : `${period} spend, USD`,
      },
    ]),
  ),
  ...Object.fromEntries(
    MODEL_FAMILIES.map((family) => [
      `weekly-cost-usd-${family}`,
      { type: 'string', value: '<usd>', description: `weekly spend on ${family} models, USD` },
    ]),
  ),
  'bind-account': {
    type: 'string',
    value: '<accountId>',
    description: 'serve Claude requests of this key from this account only',
  },
  'bind-group': {
    type: 'string',
    value: '<groupId>',
    description: 'serve Claude requests of this key from this account group only',
  },
  'binding-fallback': {
    type: 'string',
    value: 'fail|pool',
    description: 'when the bound account or group cannot serve: refuse (fail, the default) or use the pool',
  },
  'body-capture': {
    type: 'string',
    value: 'default|on|off',
    description:
      "keep this key's request and response bodies in the request log (default: REQUEST_LOG_BODIES)",
  },
};

export const CREATE_SETTING_OPTIONS: OptionTable = {
  ...KEY_SETTING_OPTIONS,
  disabled: { type: 'boolean', description: 'create the key disabled' },
};

export const UPDATE_SETTING_OPTIONS: OptionTable = {
  name: { type: 'string', value: '<name>', description: 'a new name' },
  enabled: { type: 'string', value: 'true|false', description: 'whether the key may authenticate' },
  ...KEY_SETTING_OPTIONS,
  'no-expiry': { type: 'boolean', description: 'never expire' },
  'any-platform': { type: 'boolean', description: 'drop the platform restriction' },
  'clear-allow-models': { type: 'boolean', description: 'drop the allowed-model list' },
  'clear-deny-models': { type: 'boolean', description: 'drop the denied-model list' },
  'any-client': { type: 'boolean', description: 'drop the client restriction' },
  'clear-map': { type: 'boolean', description: 'drop the model mapping' },
  tag: { type: 'string', value: '<tag>', multiple: true, description: 'replace the tags (repeatable)' },
  'clear-tags': { type: 'boolean', description: 'remove all tags' },
  unbind: { type: 'boolean', description: 'drop the Claude binding: the whole pool serves the key' },
  'no-limit': {
    type: 'string',
    value: '<name>',
    multiple: true,
    description: `remove one limit (repeatable): ${REMOVABLE_NAMES.join(', ')}`,
  },
};
