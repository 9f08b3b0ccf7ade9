// Text for people about upstream accounts: settings, live state, state history and connection tests. No secrets.
import type { LiveState, StateChange } from '../services/accounts/account-health.js';
import type { Account } from '../services/accounts/account-types.js';
import type { ConnectionTestResult } from '../services/accounts/connection-tests.js';
import { compact, fields, formatTime, table } from './output.js';
import { proxyText } from './proxy-url.js';

/** Whether an operator has the account in service (`accounts enable|disable`). */
export function stateText(account: Account): string {
  const { state } = account;
  if (state.kind === 'active') return 'active';
  return state.reason ? `disabled (${state.reason})` : 'disabled';
}

/** What upstream answers have made of the account: `rate_limited until … (reason)`. */
export function liveText(live: LiveState): string {
  const until = live.until === undefined ? '' : ` until ${formatTime(live.until)}`;
  const reason = live.reason === undefined || live.reason === live.kind ? '' : ` (${live.reason})`;
  return `${live.kind}${until}${reason}`;
}

function familiesText(families: LiveState['families']): string | undefined {
  const entries = Object.entries(families);
  if (entries.length === 0) return undefined;
  return entries.map(([family, until]) => `${family} until ${formatTime(until)}`).join(', ');
}

export function describeAccount(account: Account, live?: LiveState): string {
  return fields([
    ['id', account.id],
    ['name', account.name],
    ['type', account.type],
    ['platform', account.platform],
    ['state', stateText(account)],
    ['disabled since', account.state.kind === 'disabled' ? formatTime(account.state.since) : undefined],
    ['live state', live && liveText(live)],
    ['rate-limited families', live && familiesText(live.families)],
    ['low headroom', live && (live.lowHeadroom ? 'yes' : 'no')],
    ['description', account.description],
    ['region', account.region],
    ['base URL', account.baseUrl],
    ['auth header', account.authHeader],
    ['proxy', proxyText(account.proxy)],
    ['priority', String(account.priority)],
    ['weight', String(account.weight)],
    ['max concurrency', account.maxConcurrency === 0 ? 'no limit' : String(account.maxConcurrency)],
    ['schedulable', account.schedulable ? 'yes' : 'no'],
    ['dedicated', account.dedicated ? 'yes: serves only keys bound to it' : 'no'],
    ['api version', account.apiVersion],
    ['project', account.projectId],
    ['deployments', account.deployments && compact(account.deployments)],
    ['model mapping', compact(account.modelMapping)],
    ['supported models', compact(account.supportedModels)],
    ['created', formatTime(account.createdAt)],
    ['updated', formatTime(account.updatedAt)],
  ]);
}

export function historyTable(changes: readonly StateChange[]): string {
  if (changes.length === 0) return 'No state changes recorded.';
  const rows = changes.map((change) => [
    formatTime(change.at) ?? '-',
    change.from,
    change.to,
    change.until === 0 ? '-' : (formatTime(change.until) ?? '-'),
    change.reason,
  ]);
  return table(['at', 'from', 'to', 'until', 'reason'], rows);
}

export function latencyText(ms: number): string {
  return `${ms} ms`;
}

export function testsTable(results: readonly ConnectionTestResult[]): string {
  if (results.length === 0) return 'No connection tests yet.';
  const rows = results.map((result) => [
    formatTime(result.at) ?? '-',
    result.ok ? 'ok' : 'failed',
    result.status === undefined ? '-' : String(result.status),
    latencyText(result.latencyMs),
    result.model,
    result.message ?? '',
  ]);
  return table(['at', 'result', 'status', 'latency', 'model', 'message'], rows);
}

/** One connection test for `accounts test`. */
export function describeTest(account: Account, result: ConnectionTestResult): string {
  return [
    `Connection test of account ${account.id} (${account.name}): ${result.ok ? 'ok' : 'failed'}`,
    fields([
      ['status', result.status === undefined ? 'no answer' : String(result.status)],
      ['latency', latencyText(result.latencyMs)],
      ['model', result.model],
      ['message', result.message],
    ]),
  ].join('\n');
}
