// Usage as the control plane reports it: time series, top-N rankings and live limits, scoped by
// role. Readers see everything; members only their own keys; a key holder (signed in with the relay key
// itself, no user) only that key.
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { AdmissionService } from '../admission/admission-service.js';
import type { KeyUsage } from '../admission/key-usage.js';
import type { ApiKey } from '../api-keys/api-key-types.js';
import type { Principal } from '../auth/auth-service.js';
import type {
  RankedUsage,
  UsageQueryService,
  UsageSeries,
  UsageSummary,
} from '../usage/usage-query-service.js';
import { parseInput } from '../validation.js';
import type { ApiKeyAdmin } from './api-key-admin.js';
import { READERS, requireRole } from './roles.js';

const time = z.number().int().min(0);

export const usageRangeSchema = z.object({
  granularity: z.enum(['hour', 'day', 'month']),
  from: time,
  to: time,
});

export const usageSeriesInputSchema = usageRangeSchema.extend({
  dimension: z.enum(['global', 'key', 'account', 'model']),
  /** The key, account or model; not given for `global`. */
  id: z.string().trim().min(1).max(200).optional(),
});
export type UsageSeriesInput = z.input<typeof usageSeriesInputSchema>;

export const usageTopInputSchema = usageRangeSchema.extend({
  dimension: z.enum(['key', 'account', 'model']),
  limit: z.number().int().min(1).max(100).default(10),
});
export type UsageTopInput = z.input<typeof usageTopInputSchema>;

export class UsageReports {
  constructor(
    private readonly usage: UsageQueryService,
    private readonly keys: ApiKeyAdmin,
    private readonly admission: AdmissionService,
  ) {}

  async series(actor: Principal, input: UsageSeriesInput): Promise<UsageSeries> {
    const query = parseInput(usageSeriesInputSchema, input);
    const entity = query.dimension === 'global' ? 'all' : query.id;
    if (entity === undefined) {
      throw new AppError('invalid_request', `id: required for the ${query.dimension} dimension`, {
        details: { field: 'id' },
      });
    }
    if (query.dimension === 'key') await this.keys.get(actor, entity);
    else requireRole(actor, READERS);
    return this.usage.series(query.dimension, entity, query.granularity, query.from, query.to);
  }

  async top(actor: Principal, input: UsageTopInput): Promise<RankedUsage[]> {
    const query = parseInput(usageTopInputSchema, input);
    let only: Set<string> | undefined;
    if (!READERS.includes(actor.role)) {
      if (query.dimension !== 'key') requireRole(actor, READERS);
      only = new Set(await this.keys.visibleKeyIds(actor));
    }
    return this.usage.top(query.dimension, query.granularity, query.from, query.to, query.limit, only);
  }

  /**
   * Totals, per model and per day of one key or account over whole UTC days (`YYYY-MM-DD`). Usage outlives the
   * key or account it was recorded under, so readers may name any id; members only keys they own.
   */
  async summary(
    actor: Principal,
    dimension: 'key' | 'account',
    id: string,
    from: string,
    to: string,
  ): Promise<UsageSummary> {
    if (!READERS.includes(actor.role)) {
      if (dimension !== 'key') requireRole(actor, READERS);
      await this.keys.get(actor, id);
    }
    return this.usage.summary(dimension, id, from, to);
  }

  /** Spend against each of the key's limits right now, with reset times. */
  async keyLimits(actor: Principal, keyId: string): Promise<KeyUsage> {
    return this.admission.usage(await this.keys.get(actor, keyId));
  }

  /** For a caller who presented the relay key itself: that key's limits. */
  holderLimits(key: ApiKey): Promise<KeyUsage> {
    return this.admission.usage(key);
  }

  /** For a caller who presented the relay key itself: that key's usage over a range. */
  holderSeries(key: ApiKey, input: z.input<typeof usageRangeSchema>): Promise<UsageSeries> {
    const query = parseInput(usageRangeSchema, input);
    return this.usage.series('key', key.id, query.granularity, query.from, query.to);
  }
}
