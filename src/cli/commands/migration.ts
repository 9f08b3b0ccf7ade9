// `import crs`: brings a running Claude Relay Service's accounts, groups, users and API keys over from its
// Redis, which is only read. Through the control plane like every command (admins only, audited).
import { Redis } from 'ioredis';
import type { ImportReport, ReportItem } from '../../services/migration/crs/crs-report.js';
import { flag, integer, requiredText, text, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { CliError } from '../open-services.js';
import { table } from '../output.js';
import { readSecret } from '../read-secret.js';

const TOPIC = 'import crs';

export const MIGRATION_COMMANDS: readonly Command[] = [
  {
    group: 'import',
    action: 'crs',
    summary: 'import a Claude Relay Service (its Redis is only read): accounts, groups, users, keys, spend',
    positionals: [],
    options: {
      redis: {
        type: 'string',
        value: '<url>',
        required: true,
        description: 'the CRS Redis, e.g. redis://10.0.0.5:6379/0',
      },
      'encryption-key': {
        type: 'string',
        value: '-',
        required: true,
        description: 'CRS’s ENCRYPTION_KEY, read from stdin ("-"); it opens its secrets and checks its keys',
      },
      prefix: { type: 'string', value: '<prefix>', description: 'CRS’s API_KEY_PREFIX (default cr_)' },
      'timezone-offset': {
        type: 'string',
        value: '<hours>',
        description: 'CRS’s TIMEZONE_OFFSET, the zone of its daily counters (default 8, as CRS)',
      },
      'dry-run': { type: 'boolean', description: 'report what would be imported, write nothing' },
    },
    prepare(args) {
      const url = requiredText(args, 'redis', TOPIC);
      if (!/^rediss?:\/\//.test(url))
        throw new UsageError('--redis must be a redis:// or rediss:// URL', TOPIC);
      if (requiredText(args, 'encryption-key', TOPIC) !== '-') {
        throw new UsageError(
          '--encryption-key takes "-": pipe the key on stdin, so it stays out of shell history',
          TOPIC,
        );
      }
      const keyPrefix = text(args, 'prefix') ?? 'cr_';
      const timezoneOffset = integer(args, 'timezone-offset', { min: -12, max: 14 }, TOPIC) ?? 8;
      const dryRun = flag(args, 'dry-run');
      return async (services, { actor }) => {
        const encryptionKey = await readSecret(process.stdin, '--encryption-key');
        if (!encryptionKey) throw new CliError('--encryption-key: nothing was read from stdin');
        const source = new Redis(url, {
          lazyConnect: true,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
        });
        try {
          await source.connect().catch((error: unknown) => {
            throw new CliError(`cannot reach the CRS Redis at ${withoutPassword(url)}: ${String(error)}`);
          });
          const report = await services.control.migration.importCrs(actor, source, {
            encryptionKey,
            keyPrefix,
            // CRS reads an offset of 0 as its default, 8.
            timezoneOffset: timezoneOffset || 8,
            dryRun,
            sourceLabel: withoutPassword(url),
          });
          return { json: report, text: reportText(report) };
        } finally {
          source.disconnect();
        }
      };
    },
  },
];

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

export function reportText(report: ImportReport): string {
  const lines = [
    report.dryRun
      ? `Dry run of an import from ${report.source}: nothing was written.`
      : `Imported from ${report.source}.`,
    '',
    table(
      ['', 'imported', 'unchanged', 'skipped'],
      Object.entries(report.totals).map(([entity, counts]) => [
        entity,
        String(counts.imported),
        String(counts.unchanged),
        String(counts.skipped),
      ]),
    ),
  ];
  for (const warning of report.warnings) lines.push('', `! ${warning}`);
  const detailed = report.items.filter((item) => item.outcome === 'skipped' || item.notes.length > 0);
  if (detailed.length > 0) lines.push('', 'Details:');
  for (const item of detailed) lines.push(...describe(item));
  return lines.join('\n');
}

function describe(item: ReportItem): string[] {
  const what = `${item.entity}${item.kind ? ` ${item.kind}` : ''} ${item.name ? `"${item.name}" ` : ''}(CRS ${item.sourceId})`;
  const head =
    item.outcome === 'skipped'
      ? `- ${what}: skipped, ${item.reason ?? 'no reason given'}`
      : `- ${what}: ${item.outcome}${item.targetId ? ` as ${item.targetId}` : ''}`;
  return [head, ...item.notes.map((note) => `    ${note}`)];
}
