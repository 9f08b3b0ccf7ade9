// Prices a request: admin overrides first, then the genai-prices catalog; unknown models are flagged unpriced.
import { z } from 'zod';
import { modelPatternSchema } from '../api-keys/api-key-types.js';
import { matchesModelPattern } from '../domain/model-patterns.js';
import type { EventBus } from '../events/event-bus.js';
import type { RedisContext } from '../redis/record-store.js';
import { type PriceQuote, type TokenUsage, totalInputTokens, type UnitPrices } from '../usage/usage-types.js';
import { parseInput } from '../validation.js';
import { type CatalogEntry, catalogUnitPrices, catalogVersion, findCatalogEntry } from './catalog-prices.js';
import { costMicros } from './cost.js';

export const PRICING_TOPIC = 'pricing';

const usdPerMillion = z.number().min(0).max(1_000_000);
export const unitPricesSchema = z.object({
  input: usdPerMillion,
  output: usdPerMillion,
  cacheRead: usdPerMillion,
  cacheWrite5m: usdPerMillion,
  cacheWrite1h: usdPerMillion,
});

const storedOverrideSchema = unitPricesSchema.extend({ updatedAt: z.number().int() });
export type PriceOverride = z.infer<typeof storedOverrideSchema> & { model: string };

export interface PricedUsage {
  costMicros: number;
  /** Undefined when neither an override nor the catalog knows the model. */
  quote: PriceQuote | undefined;
}

export class PricingService {
  private overrides: PriceOverride[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  /** Catalog lookups by `platform:model`, refreshed hourly so date-dependent catalog prices take effect. */
  private readonly catalog = new Map<string, { entry: CatalogEntry | undefined; at: number }>();

  constructor(
    private readonly context: RedisContext,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<() => Promise<void>> {
    await this.reloadOverrides();
    return this.bus.subscribe(PRICING_TOPIC, {
      onMessage: () => this.reloadInBackground(),
      onResync: () => this.reloadInBackground(),
    });
  }

  /**
   * A reload heard of through pub/sub may find Redis away (the subscriber reconnects on its own, sometimes
   * before the command connection): it is tried again until it succeeds, keeping the overrides it had.
   */
  private reloadInBackground(): void {
    this.reloadOverrides().catch(() => {
      if (this.retryTimer || this.context.redis.status === 'end') return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.reloadInBackground();
      }, 1000).unref();
    });
  }

  /** Synchronous and allocation-light: it runs at the end of every relayed request. */
  price(platform: string, model: string, usage: TokenUsage): PricedUsage {
    const quote = this.quote(platform, model, totalInputTokens(usage));
    return { costMicros: quote ? costMicros(usage, quote.prices) : 0, quote };
  }

  quote(platform: string, model: string, totalInput: number): PriceQuote | undefined {
    const override = this.findOverride(model);
    if (override) {
      const { updatedAt, model: _pattern, ...prices } = override;
      return { prices, version: `override:${updatedAt}` };
    }
    const entry = this.catalogEntry(platform, model);
    return entry
      ? { prices: catalogUnitPrices(entry, totalInput), version: catalogVersion(entry) }
      : undefined;
  }

  async listOverrides(): Promise<PriceOverride[]> {
    const raw = await this.context.redis.hgetall(this.context.keys.pricingOverrides());
    return Object.entries(raw)
      .map(([model, json]) => ({ model, ...storedOverrideSchema.parse(JSON.parse(json)) }))
      .sort((a, b) => a.model.localeCompare(b.model));
  }

  /** `model` is an exact name or a `prefix*` pattern; the longest matching pattern wins. */
  async setOverride(model: string, prices: UnitPrices): Promise<PriceOverride> {
    const pattern = parseInput(modelPatternSchema, model);
    const stored = { ...parseInput(unitPricesSchema, prices), updatedAt: this.now() };
    await this.context.redis.hset(this.context.keys.pricingOverrides(), pattern, JSON.stringify(stored));
    await this.bus.publish(PRICING_TOPIC, pattern);
    await this.reloadOverrides();
    return { model: pattern, ...stored };
  }

  async removeOverride(model: string): Promise<boolean> {
    const removed = await this.context.redis.hdel(this.context.keys.pricingOverrides(), model);
    await this.bus.publish(PRICING_TOPIC, model);
    await this.reloadOverrides();
    return removed === 1;
  }

  private async reloadOverrides(): Promise<void> {
    const list = await this.listOverrides();
    // Exact names before patterns, longer patterns before shorter ones.
    this.overrides = list.sort((a, b) => specificity(b.model) - specificity(a.model));
  }

  private findOverride(model: string): PriceOverride | undefined {
    for (const override of this.overrides) if (matchesModelPattern(model, override.model)) return override;
    return undefined;
  }

  private catalogEntry(platform: string, model: string): CatalogEntry | undefined {
    const cacheKey = `${platform}:${model}`;
    const cached = this.catalog.get(cacheKey);
    const now = this.now();
    if (cached && now - cached.at < 3_600_000) return cached.entry;
    const entry = findCatalogEntry(platform, model);
    if (this.catalog.size > 10_000) this.catalog.clear();
    this.catalog.set(cacheKey, { entry, at: now });
    return entry;
  }
}

function specificity(pattern: string): number {
  return pattern.endsWith('*') ? pattern.length : Number.MAX_SAFE_INTEGER;
}
