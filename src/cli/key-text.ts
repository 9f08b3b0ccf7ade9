// Text for people about an API key: its restrictions and limits (`keys show`) and its live usage (`keys usage`).

import type { CostLimitUsage, KeyUsage } from '../services/admission/key-usage.js';
import type { ApiKey } from '../services/api-keys/api-key-types.js';
import { MODEL_FAMILIES } from '../services/domain/platforms.js';
import { formatMs } from './args.js';
import {
  compact,
  fields,
  formatCount,
  formatTime,
  formatUsdShort,
  formatZonedTime,
  table,
} from './output.js';

type Limits = ApiKey['limits'];

export function keyStatus(key: ApiKey): string {
  return key.enabled ? 'enabled' : 'disabled';
}

function seconds(value: number): string {
  return formatMs(value * 1000);
}

function expiryText(expiry: ApiKey['expiry']): string {
  if (expiry.kind === 'never') return 'never';
  if (expiry.kind === 'fixed') return `at ${formatTime(expiry.expiresAt)}`;
  return `${seconds(expiry.durationSeconds)} after first use`;
}

/** An empty restriction list means no restriction; say which way round that is. */
function listText(values: readonly string[], empty: string): string {
  return values.length === 0 ? empty : values.join(', ');
}

/** `claude-sonnet-4-5 → gemini-2.5-pro, …`: what each model the key maps is served as. */
function mappingText(mapping: ApiKey['modelMapping']): string {
  const pairs = Object.entries(mapping).map(([from, to]) => `${from} → ${to}`);
  return pairs.length === 0 ? 'none' : pairs.join(', ');
}

function windowText(window: NonNullable<Limits['window']>): string {
  const caps = [
    window.requests === undefined ? undefined : `${formatCount(window.requests)} requests`,
    window.tokens === undefined ? undefined : `${formatCount(window.tokens)} tokens`,
    window.costMicros === undefined ? undefined : formatUsdShort(window.costMicros),
  ].filter((cap) => cap !== undefined);
  return `${seconds(window.seconds)} ${window.mode}: ${caps.length === 0 ? 'no caps' : caps.join(', ')}`;
}

function usd(micros: number | undefined): string | undefined {
  return micros === undefined ? undefined : formatUsdShort(micros);
}

function limitEntries(limits: Limits): Array<readonly [string, string | undefined]> {
  const entries: Array<readonly [string, string | undefined]> = [
    ['concurrency limit', limits.concurrency === undefined ? undefined : String(limits.concurrency)],
    [
      'queue',
      limits.queue &&
        `up to ${formatCount(limits.queue.maxWaiters)} waiting, each at most ${formatMs(limits.queue.maxWaitMs)}`,
    ],
    ['rate window', limits.window && windowText(limits.window)],
    ['daily spend limit', usd(limits.dailyCostMicros)],
    ['weekly spend limit', usd(limits.weeklyCostMicros)],
    ['monthly spend limit', usd(limits.monthlyCostMicros)],
    ['total spend limit', usd(limits.totalCostMicros)],
    ...MODEL_FAMILIES.map(
      (family) => [`weekly ${family} limit`, usd(limits.weeklyCostMicrosByFamily?.[family])] as const,
    ),
  ];
  return entries.some(([, value]) => value !== undefined) ? entries : [['limits', 'none']];
}

/** `claude: group grp_…`; an unbound key is served by its platforms' whole pools. */
function bindingsText(bindings: ApiKey['bindings']): string {
  const shown = Object.entries(bindings).flatMap(([platform, binding]) => {
    if (binding?.accountId) return [`${platform}: account ${binding.accountId}`];
    if (binding?.groupId) return [`${platform}: group ${binding.groupId}`];
    return [];
  });
  return shown.length === 0 ? 'none (whole pool)' : shown.join(', ');
}

function bindingFallbackText(fallback: ApiKey['bindingFallback']): string {
  return fallback === 'pool' ? 'pool (the whole pool serves when the binding cannot)' : 'fail (refuse)';
}

export function describeKey(key: ApiKey): string {
  return fields([
    ['id', key.id],
    ['name', key.name],
    ['status', keyStatus(key)],
    ['hint', key.hint],
    ['owner', key.ownerId],
    ['description', key.description],
    ['tags', compact(key.tags)],
    ['expires', expiryText(key.expiry)],
    ['platforms', listText(key.platforms, 'any')],
    ['models allowed', listText(key.modelAllow, 'any')],
    ['models denied', listText(key.modelDeny, 'none')],
    ['clients', listText(key.clients, 'any')],
    ['model mapping', mappingText(key.modelMapping)],
    ...limitEntries(key.limits),
    ['bindings', bindingsText(key.bindings)],
    ['binding fallback', bindingFallbackText(key.bindingFallback)],
    ['body capture', key.bodyCapture === 'default' ? 'as REQUEST_LOG_BODIES says' : key.bodyCapture],
    ['created', formatTime(key.createdAt)],
    ['updated', formatTime(key.updatedAt)],
    ['rotated', formatTime(key.rotatedAt)],
  ]);
}

/** `weekly_opus` → `weekly opus`. */
function costName(cost: CostLimitUsage): string {
  return cost.name.replace('_', ' ');
}

function ofLimit(used: string, limit: string | undefined): string {
  return limit === undefined ? `${used} (no limit)` : `${used} of ${limit}`;
}

function activationText(key: ApiKey, usage: KeyUsage): string | undefined {
  const { activation } = usage;
  if (activation === undefined || key.expiry.kind !== 'after-first-use') return undefined;
  const zoned = (ms: number) => formatZonedTime(ms, usage.timeZone);
  if (activation.activatedAt === undefined || activation.expiresAt === undefined) {
    return `not used yet; expires ${seconds(key.expiry.durationSeconds)} after first use`;
  }
  const state = activation.expiresAt <= usage.at ? 'expired' : 'expires';
  return `first used ${zoned(activation.activatedAt)}; ${state} ${zoned(activation.expiresAt)}`;
}

export function renderKeyUsage(key: ApiKey, usage: KeyUsage): string {
  const zoned = (ms: number) => formatZonedTime(ms, usage.timeZone);
  const { window, concurrency } = usage;
  const header = `Limits of API key ${key.id} (${key.name}) at ${zoned(usage.at)}, time zone ${usage.timeZone}`;
  const summary = fields([
    ['concurrency', ofLimit(`${formatCount(concurrency.inFlight)} in flight`, concurrency.limit?.toString())],
    ['rate window', window && `${seconds(window.seconds)} ${window.mode}, resets ${zoned(window.resetsAt)}`],
    ['window requests', window && ofLimit(formatCount(window.requests), window.limits.requests?.toString())],
    ['window tokens', window && ofLimit(formatCount(window.tokens), window.limits.tokens?.toString())],
    ['window cost', window && ofLimit(formatUsdShort(window.costMicros), usd(window.limits.costMicros))],
    ['activation', activationText(key, usage)],
    ['expires', key.expiry.kind === 'fixed' ? zoned(key.expiry.expiresAt) : undefined],
  ]);
  const rows = usage.costs.map((cost) => [
    costName(cost),
    formatUsdShort(cost.spentMicros),
    formatUsdShort(cost.reservedMicros),
    usd(cost.limitMicros) ?? 'no limit',
    cost.resetsAt === undefined ? 'never' : zoned(cost.resetsAt),
  ]);
  return [header, '', summary, '', table(['spend', 'spent', 'reserved', 'limit', 'resets'], rows)].join('\n');
}
