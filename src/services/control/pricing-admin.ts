// Price overrides as the control plane manages them: readers list them, managers set and remove them, audited.
import { AppError } from '../../errors/app-error.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Principal } from '../auth/auth-service.js';
import type { PriceOverride, PricingService } from '../pricing/pricing-service.js';
import type { UnitPrices } from '../usage/usage-types.js';
import { MANAGERS, READERS, requireRole } from './roles.js';

export class PricingAdmin {
  constructor(
    private readonly pricing: PricingService,
    private readonly audit: AuditLog,
  ) {}

  list(actor: Principal): Promise<PriceOverride[]> {
    requireRole(actor, READERS);
    return this.pricing.listOverrides();
  }

  async set(actor: Principal, model: string, prices: UnitPrices): Promise<PriceOverride> {
    requireRole(actor, MANAGERS);
    const before = await this.find(model);
    const after = await this.pricing.setOverride(model, prices);
    await this.audit.record({
      actor: actor.userId,
      action: 'pricing.set',
      target: after.model,
      ...(before ? { before } : {}),
      after,
    });
    return after;
  }

  async remove(actor: Principal, model: string): Promise<void> {
    requireRole(actor, MANAGERS);
    const before = await this.find(model);
    if (!before) throw new AppError('not_found', `No price override for ${model}`);
    await this.pricing.removeOverride(model);
    await this.audit.record({ actor: actor.userId, action: 'pricing.remove', target: model, before });
  }

  private async find(model: string): Promise<PriceOverride | undefined> {
    return (await this.pricing.listOverrides()).find((override) => override.model === model);
  }
}
