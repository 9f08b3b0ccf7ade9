// Moving data in and out: importing a Claude Relay Service, and this relay's configuration as an encrypted
// bundle. Admins only (they write accounts, keys and users in bulk, and carry every secret), and every export
// and every import that writes is audited with what it did (never with a secret).
import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { BundleService } from '../migration/bundle/bundle-service.js';
import type { CrsImport, CrsImportOptions } from '../migration/crs/crs-import.js';
import type { ImportReport } from '../migration/import-report.js';
import { requireRole } from './roles.js';

export class MigrationAdmin {
  constructor(
    private readonly crs: CrsImport,
    private readonly bundles: BundleService,
    private readonly audit: AuditLog,
  ) {}

  async importCrs(actor: Principal, source: Redis, options: CrsImportOptions): Promise<ImportReport> {
    requireRole(actor, ['admin']);
    const report = await this.crs.run(source, options);
    if (!report.dryRun) {
      await this.audit.record({
        actor: actor.userId,
        action: 'import.crs',
        target: report.source,
        after: { totals: report.totals, warnings: report.warnings },
      });
    }
    return report;
  }

  async exportBundle(
    actor: Principal,
    passphrase: string,
  ): Promise<{ file: string; counts: Record<string, number> }> {
    requireRole(actor, ['admin']);
    const exported = await this.bundles.export(passphrase);
    await this.audit.record({
      actor: actor.userId,
      action: 'bundle.export',
      target: 'bundle',
      after: exported.counts,
    });
    return exported;
  }

  async importBundle(
    actor: Principal,
    file: string,
    passphrase: string,
    options: { dryRun: boolean; sourceLabel: string },
  ): Promise<ImportReport> {
    requireRole(actor, ['admin']);
    const report = await this.bundles.import(file, passphrase, { ...options, actorId: actor.userId });
    if (!report.dryRun) {
      await this.audit.record({
        actor: actor.userId,
        action: 'bundle.import',
        target: options.sourceLabel,
        after: { totals: report.totals },
      });
    }
    return report;
  }
}
