// `import crs`: brings a running Claude Relay Service's accounts, groups, users and API keys over from its
// Redis, which is only read. Through the control plane like every command (admins only, audited).
import { Redis } from 'ioredis';
import { AppError } from '../../errors/app-error.js';
import { urlWithoutPassword as withoutPassword } from '../../lib/redis-endpoint.js';
import { flag, integer, requiredText, text, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { reportText } from '../import-report-text.js';
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
        if (!encryptionKey)
          throw new AppError('invalid_request', '--encryption-key: nothing was read from stdin');
        const source = new Redis(url, {
          lazyConnect: true,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
        });
        try {
          await source.connect().catch((error: unknown) => {
            throw new AppError(
              'invalid_request',
              `cannot reach the CRS Redis at ${withoutPassword(url)}: ${String(error)}`,
            );
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
