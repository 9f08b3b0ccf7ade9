// `export bundle` / `import bundle`: this relay's configuration (accounts with their secrets, keys, groups,
// users, alert rules and channels, prices, spend limits, managed settings) as one file encrypted with a
// passphrase, to move it to another Redis server. Admins only and audited, as every command.
import { readFileSync, writeFileSync } from 'node:fs';
import { AppError } from '../../errors/app-error.js';
import { flag, requiredText, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { reportText } from '../import-report-text.js';
import { readSecret } from '../read-secret.js';

const PASSPHRASE = {
  type: 'string',
  value: '-',
  required: true,
  description: 'the bundle’s passphrase (12+ characters), read from stdin ("-")',
} as const;

async function passphraseFrom(topic: string, given: string): Promise<string> {
  if (given !== '-') {
    throw new UsageError('--passphrase takes "-": pipe it on stdin, so it stays out of shell history', topic);
  }
  const passphrase = await readSecret(process.stdin, '--passphrase');
  if (!passphrase) throw new AppError('invalid_request', '--passphrase: nothing was read from stdin');
  return passphrase;
}

export const BUNDLE_COMMANDS: readonly Command[] = [
  {
    group: 'export',
    action: 'bundle',
    summary: 'write this relay’s configuration, secrets included, to a file encrypted with a passphrase',
    positionals: [],
    options: {
      out: { type: 'string', value: '<file>', required: true, description: 'where to write the bundle' },
      passphrase: PASSPHRASE,
    },
    prepare(args) {
      const out = requiredText(args, 'out', 'export bundle');
      const given = requiredText(args, 'passphrase', 'export bundle');
      return async (services, { actor }) => {
        const passphrase = await passphraseFrom('export bundle', given);
        const { file, counts } = await services.control.migration.exportBundle(actor, passphrase);
        // Owner-only: it is encrypted, but nobody else needs to read it.
        writeFileSync(out, file, { mode: 0o600 });
        const summary = Object.entries(counts)
          .map(([kind, count]) => `${count} ${kind}`)
          .join(', ');
        return { json: { file: out, counts }, text: `Wrote ${out}: ${summary}.` };
      };
    },
  },
  {
    group: 'import',
    action: 'bundle',
    summary: 'bring in a bundle written by `export bundle` (records already here are left as they are)',
    positionals: [],
    options: {
      in: { type: 'string', value: '<file>', required: true, description: 'the bundle to read' },
      passphrase: PASSPHRASE,
      'dry-run': { type: 'boolean', description: 'report what would be imported, write nothing' },
    },
    prepare(args) {
      const path = requiredText(args, 'in', 'import bundle');
      const given = requiredText(args, 'passphrase', 'import bundle');
      const dryRun = flag(args, 'dry-run');
      return async (services, { actor }) => {
        let file: string;
        try {
          file = readFileSync(path, 'utf8');
        } catch (error) {
          throw new AppError(
            'invalid_request',
            `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        const passphrase = await passphraseFrom('import bundle', given);
        const report = await services.control.migration.importBundle(actor, file, passphrase, {
          dryRun,
          sourceLabel: path,
        });
        return { json: report, text: reportText(report) };
      };
    },
  },
];
