// Unit prices from the maintained @pydantic/genai-prices catalog, resolved once per model and tier.
import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';
import type { UnitPrices } from '../usage/usage-types.js';

type PriceValue = ModelPrice[string];

export interface CatalogEntry {
  modelId: string;
  price: ModelPrice;
}

/** Which catalog provider prices a platform's models. */
export const PROVIDER_OF: Record<string, string> = {
  claude: 'anthropic',
  gemini: 'google',
  openai: 'openai',
  azure: 'openai',
};

const CATALOG_VERSION = 'genai-prices';

/**
 * Looks a model up in the catalog. Returns undefined for models the catalog does not know: those are recorded
 * as unpriced, never priced as some other model.
 */
export function findCatalogEntry(platform: string, model: string): CatalogEntry | undefined {
  const providerId = PROVIDER_OF[platform];
  if (!providerId) return undefined;
  const result = calcPrice({ input_tokens: 1 }, model, { providerId });
  return result ? { modelId: result.model.id, price: result.model_price } : undefined;
}

export function catalogVersion(entry: CatalogEntry): string {
  return `${CATALOG_VERSION}:${entry.modelId}`;
}

/**
 * The catalog's long-context tiers reprice the whole request once its total input passes the tier start, so
 * the unit prices depend on the request's input size.
 */
export function catalogUnitPrices(entry: CatalogEntry, totalInput: number): UnitPrices {
  const input = resolve(entry.price.input_mtok, totalInput) ?? 0;
  const cacheWrite5m = resolve(entry.price.cache_write_mtok, totalInput) ?? input;
  return {
    input,
    output: resolve(entry.price.output_mtok, totalInput) ?? 0,
    cacheRead: resolve(entry.price.cache_read_mtok, totalInput) ?? input,
    cacheWrite5m,
    cacheWrite1h: resolve(entry.price.cache_write_1h_mtok, totalInput) ?? cacheWrite5m,
  };
}

function resolve(value: PriceValue, totalInput: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  let price = value.base;
  for (const tier of value.tiers) if (totalInput > tier.start) price = tier.price;
  return price;
}
