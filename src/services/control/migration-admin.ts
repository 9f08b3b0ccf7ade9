// Moving data in and out: importing a Claude Relay Service. Admins only (it writes accounts, keys and users in
// bulk, and reads another system's secrets), and every import that writes is audited with what it did.
import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { CrsImport, CrsImportOptions } from '../migration/crs/crs-import.js';
import type { ImportReport } from '../migration/crs/crs-report.js';
import { requireRole } from './roles.js';

export class MigrationAdmin {
  constructor(
    private readonly crs: CrsImport,
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
}
