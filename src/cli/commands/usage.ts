// `usage key|account <id>`: rolled-up totals and the per-model breakdown over a UTC day range.
import type { Principal } from '../../services/auth/auth-service.js';
import type { Services } from '../../services/container.js';
import { daysBetween } from '../../services/usage/periods.js';
import type { UsageSummary, UsageTotals } from '../../services/usage/usage-query-service.js';
import { day, type OptionTable, type ParsedArgs, positional, UsageError } from '../args.js';
import type { Command, CommandOutput } from '../command.js';
import { unlessMissing } from '../missing.js';
import { fields, formatCount, formatUsd, table } from '../output.js';
import { keyIdOf } from '../relay-key-argument.js';

const RANGE_OPTIONS: OptionTable = {
  from: { type: 'string', value: 'YYYY-MM-DD', description: 'first day, UTC (default: today)' },
  to: { type: 'string', value: 'YYYY-MM-DD', description: 'last day, UTC, inclusive (default: today)' },
};

type Entity = 'key' | 'account';

const NOUN: Record<Entity, string> = { key: 'API key', account: 'account' };
/** What the `<id>` argument may be, for help. */
const SUBJECT: Record<Entity, string> = {
  key: 'API key (its id or the relay key itself)',
  account: 'account',
};

/** Defaults to today (UTC); a lone --from runs to today, a lone --to covers just that day. */
function dayRange(args: ParsedArgs, topic: string, now: number): { from: string; to: string } {
  const today = new Date(now).toISOString().slice(0, 10);
  const fromArg = day(args, 'from', topic);
  const toArg = day(args, 'to', topic);
  const from = fromArg ?? toArg ?? today;
  const to = toArg ?? (fromArg !== undefined && fromArg > today ? fromArg : today);
  if (from > to) throw new UsageError('--from must not be after --to', topic);
  try {
    daysBetween(from, to);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), topic);
  }
  return { from, to };
}

/** The name for the header, or undefined: usage outlives deleted keys and accounts, so absence is no error. */
async function nameOf(
  services: Services,
  actor: Principal,
  entity: Entity,
  id: string,
): Promise<string | undefined> {
  const { control } = services;
  const record =
    entity === 'key'
      ? await unlessMissing(control.apiKeys.get(actor, id))
      : await unlessMissing(control.accounts.get(actor, id));
  return record?.name;
}

function withUsd<T extends UsageTotals>(totals: T): T & { costUsd: string } {
  return { ...totals, costUsd: formatUsd(totals.costMicros).replace('$', '') };
}

function render(entity: Entity, summary: UsageSummary, name: string | undefined): CommandOutput {
  const { totals } = summary;
  const range = summary.from === summary.to ? summary.from : `${summary.from} .. ${summary.to}`;
  const lines = [
    `Usage of ${NOUN[entity]} ${summary.entity}${name ? ` (${name})` : ''}, ${range} (UTC)`,
    '',
    fields([
      ['requests', formatCount(totals.requests)],
      ['input tokens', formatCount(totals.inputTokens)],
      ['output tokens', formatCount(totals.outputTokens)],
      ['cache read tokens', formatCount(totals.cacheReadTokens)],
      ['cache write 5m tokens', formatCount(totals.cacheWrite5mTokens)],
      ['cache write 1h tokens', formatCount(totals.cacheWrite1hTokens)],
      ['cost', formatUsd(totals.costMicros)],
    ]),
  ];
  if (summary.byModel.length > 0) {
    const rows = summary.byModel.map((row) => [
      row.model,
      formatCount(row.requests),
      formatCount(row.inputTokens),
      formatCount(row.outputTokens),
      formatCount(row.cacheReadTokens),
      formatCount(row.cacheWrite5mTokens + row.cacheWrite1hTokens),
      formatUsd(row.costMicros),
    ]);
    lines.push(
      '',
      table(['model', 'requests', 'input', 'output', 'cache read', 'cache write', 'cost'], rows),
    );
  }
  const notes =
    name === undefined
      ? [`note: ${NOUN[entity]} ${summary.entity} does not exist; showing what was recorded under that id`]
      : [];
  const json = {
    ...summary,
    totals: withUsd(summary.totals),
    byModel: summary.byModel.map(withUsd),
    byDay: summary.byDay.map(withUsd),
  };
  return { json, text: lines.join('\n'), notes };
}

function usageCommand(entity: Entity): Command {
  const topic = `usage ${entity}`;
  return {
    group: 'usage',
    action: entity,
    summary: `usage of one ${SUBJECT[entity]}: totals and by model, cost in USD`,
    positionals: ['id'],
    options: RANGE_OPTIONS,
    prepare(args) {
      const reference = positional(args, 0);
      const { from, to } = dayRange(args, topic, Date.now());
      return async (services, { config, actor }) => {
        // A relay key is accepted for a key id; it is looked up by hash and never printed.
        const id = entity === 'key' ? await keyIdOf(services, reference, config.apiKeys.prefix) : reference;
        const [summary, name] = await Promise.all([
          services.control.usage.summary(actor, entity, id, from, to),
          nameOf(services, actor, entity, id),
        ]);
        return render(entity, summary, name);
      };
    },
  };
}

export const USAGE_COMMANDS: readonly Command[] = [usageCommand('key'), usageCommand('account')];
