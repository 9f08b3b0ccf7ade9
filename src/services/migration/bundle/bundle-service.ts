// Export and import of this relay's configuration as one encrypted file, for moving between Redis servers.
import type { RedisContext } from '../../redis/record-store.js';
import { type ImportReport, totalsOf } from '../import-report.js';
import { openBundle, sealBundle } from './bundle-codec.js';
import { parseBundleContents } from './bundle-contents.js';
import { type BundleSources, exportBundleContents } from './bundle-export.js';
import { importBundleContents } from './bundle-import.js';

export class BundleService {
  constructor(private readonly services: BundleSources & { context: RedisContext }) {}

  /** The sealed bundle, and how many records of each kind it holds. */
  async export(passphrase: string): Promise<{ file: string; counts: Record<string, number> }> {
    const contents = await exportBundleContents(this.services);
    const counts = Object.fromEntries(Object.entries(contents).map(([kind, items]) => [kind, items.length]));
    return { file: sealBundle(contents, passphrase), counts };
  }

  async import(
    file: string,
    passphrase: string,
    options: { dryRun: boolean; actorId: string; sourceLabel: string },
  ): Promise<ImportReport> {
    const contents = parseBundleContents(openBundle(file, passphrase));
    const items = await importBundleContents(this.services, contents, options);
    return {
      dryRun: options.dryRun,
      source: options.sourceLabel,
      items,
      warnings: [],
      totals: totalsOf(items),
    };
  }
}
