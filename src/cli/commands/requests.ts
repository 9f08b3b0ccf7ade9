// `requests list|show|bodies`: the request log from the CLI, through the same facade (and rules) as GraphQL and
// tRPC; bodies are for admins and operators, and reading them is audited under the CLI's actor.
import type { RequestLogFilterInput } from '../../services/request-log/request-log-filter.js';
import type { StoredLedgerEntry } from '../../services/usage/ledger-entry.js';
import { OUTCOMES } from '../../services/usage/usage-types.js';
import { choice, dateTime, integer, type OptionTable, type ParsedArgs, positional, text } from '../args.js';
import type { Command, CommandOutput } from '../command.js';
import { fields, formatCount, formatTime, formatUsd, table } from '../output.js';

const FILTER_OPTIONS: OptionTable = {
  key: { type: 'string', value: '<id>', description: 'one API key' },
  user: { type: 'string', value: '<id>', description: "one user's keys" },
  account: { type: 'string', value: '<id>', description: 'one upstream account' },
  platform: { type: 'string', value: '<pool>', description: 'claude, openai, gemini, azure or droid' },
  format: { type: 'string', value: '<format>', description: 'the API the client spoke, e.g. openai-chat' },
  model: { type: 'string', value: '<model>', description: 'the model asked for or sent upstream' },
  outcome: { type: 'string', value: OUTCOMES.join('|'), description: 'how the request ended' },
  status: { type: 'string', value: '<code>', description: 'the HTTP status the client got' },
  error: { type: 'string', value: '<code>', description: 'the error code' },
  text: { type: 'string', value: '<words>', description: 'words of the error message, all of them' },
  'request-id': { type: 'string', value: '<id>', description: 'a request and its failed-over attempts' },
  'min-latency-ms': { type: 'string', value: '<ms>', description: 'at least this slow' },
  since: { type: 'string', value: '<date-time>', description: 'arrived at or after (ISO 8601)' },
  until: { type: 'string', value: '<date-time>', description: 'arrived at or before (ISO 8601)' },
  limit: { type: 'string', value: '<n>', description: 'how many to show (1-500, default 50)' },
  cursor: { type: 'string', value: '<cursor>', description: 'continue from a previous page' },
};

function filterOf(args: ParsedArgs, topic: string): RequestLogFilterInput {
  const status = integer(args, 'status', { min: 100, max: 599 }, topic);
  const minLatencyMs = integer(args, 'min-latency-ms', { min: 0, max: 86_400_000 }, topic);
  const from = dateTime(args, 'since', topic);
  const to = dateTime(args, 'until', topic);
  const optional = {
    keyId: text(args, 'key'),
    userId: text(args, 'user'),
    accountId: text(args, 'account'),
    platform: text(args, 'platform'),
    clientFormat: text(args, 'format'),
    model: text(args, 'model'),
    outcome: choice(args, 'outcome', OUTCOMES, topic),
    status,
    errorCode: text(args, 'error'),
    text: text(args, 'text'),
    requestId: text(args, 'request-id'),
    minLatencyMs,
    from,
    to,
  };
  return Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined));
}

function row(entry: StoredLedgerEntry): string[] {
  const { usage } = entry;
  return [
    formatTime(entry.at) ?? '',
    entry.requestId,
    entry.keyId,
    entry.accountId ?? '-',
    entry.model,
    `${entry.status} ${entry.outcome}`,
    formatCount(usage.input + usage.cacheRead + usage.cacheWrite5m + usage.cacheWrite1h),
    formatCount(usage.output),
    formatUsd(entry.costMicros),
    `${Math.round(entry.latencyMs)} ms`,
  ];
}

const list: Command = {
  group: 'requests',
  action: 'list',
  summary: 'the request log, newest first, filtered',
  positionals: [],
  options: FILTER_OPTIONS,
  prepare(args) {
    const topic = 'requests list';
    const filter = filterOf(args, topic);
    const first = integer(args, 'limit', { min: 1, max: 500 }, topic) ?? 50;
    const after = text(args, 'cursor');
    return async (services, { actor }) => {
      const page = await services.control.requestLog.list(actor, {
        ...filter,
        first,
        ...(after === undefined ? {} : { after }),
      });
      const headers = ['at', 'request', 'key', 'account', 'model', 'status', 'in', 'out', 'cost', 'latency'];
      const lines = [page.items.length === 0 ? 'No requests match.' : table(headers, page.items.map(row))];
      if (page.nextCursor) lines.push('', `more: --cursor ${page.nextCursor}`);
      return { json: page, text: lines.join('\n') };
    };
  },
};

function describe(entry: StoredLedgerEntry): string {
  const { usage } = entry;
  return fields([
    ['request', entry.requestId],
    ['at', formatTime(entry.at)],
    ['key', entry.keyId],
    ['owner', entry.userId],
    ['account', entry.accountId],
    ['pool', entry.platform],
    ['client', [entry.clientFormat, entry.clientKind].filter(Boolean).join(', ')],
    ['sent as', entry.upstreamFormat],
    ['model', entry.model === entry.upstreamModel ? entry.model : `${entry.model} -> ${entry.upstreamModel}`],
    ['status', `${entry.status} (${entry.outcome})`],
    ['error', [entry.errorCode, entry.errorMessage].filter(Boolean).join(': ') || undefined],
    [
      'tokens',
      `${formatCount(usage.input)} in, ${formatCount(usage.output)} out, ${formatCount(usage.cacheRead)} cache read`,
    ],
    ['cost', formatUsd(entry.costMicros)],
    [
      'latency',
      `${Math.round(entry.latencyMs)} ms${entry.ttftMs === undefined ? '' : `, first byte ${Math.round(entry.ttftMs)} ms`}`,
    ],
    ['attempts', String(entry.attempts)],
    ['client request id', entry.clientRequestId],
  ]);
}

const show: Command = {
  group: 'requests',
  action: 'show',
  summary: 'one request by its id (x-request-id), with the attempts that failed over',
  positionals: ['requestId'],
  options: {},
  prepare(args) {
    const requestId = positional(args, 0);
    return async (services, { actor }): Promise<CommandOutput> => {
      const detail = await services.control.requestLog.get(actor, requestId);
      const lines = [describe(detail.entry)];
      for (const attempt of detail.attempts) lines.push('', `attempt that failed over:`, describe(attempt));
      return { json: detail, text: lines.join('\n') };
    };
  },
};

const bodies: Command = {
  group: 'requests',
  action: 'bodies',
  summary: "a request's captured bodies, secrets removed (admins and operators; audited)",
  positionals: ['requestId'],
  options: {},
  prepare(args) {
    const requestId = positional(args, 0);
    return async (services, { actor }) => {
      const captured = await services.control.requestLog.bodies(actor, requestId);
      const cut = (truncated: boolean) => (truncated ? ' (cut)' : '');
      return {
        json: captured,
        text: [
          `request${cut(captured.requestTruncated)}:`,
          captured.request,
          '',
          `response${cut(captured.responseTruncated)}:`,
          captured.response,
        ].join('\n'),
      };
    };
  },
};

export const REQUEST_COMMANDS: readonly Command[] = [list, show, bodies];
