// Unit prices from the maintained @pydantic/genai-prices catalog, resolved once per model and tier.
import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';
import { platformOfModel } from '../domain/model-platforms.js';
import type { Platform } from '../domain/platforms.js';
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

/**
 * Pools whose accounts resell other vendors' models, with the families they resell: Factory's Droid plans serve
 * Claude, GPT and Gemini models, each priced as its maker prices it.
 */
export const RESOLD_FAMILIES: Readonly<Record<string, readonly Platform[]>> = {
  droid: ['claude', 'openai', 'gemini'],
};

const CATALOG_VERSION = 'genai-prices';

/** The catalog provider that prices `model` on `platform`'s pool. */
function providerOf(platform: string, model: string): string | undefined {
  const resold = RESOLD_FAMILIES[platform];
  if (resold === undefined) return PROVIDER_OF[platform];
  const family = platformOfModel(model);
  return family !== undefined && resold.includes(family) ? PROVIDER_OF[family] : undefined;
}

/**
 * Looks a model up in the catalog. Returns undefined for models the catalog does not know: those are recorded
 * as unpriced, never priced as some other model.
 */
export function findCatalogEntry(platform: string, model: string): CatalogEntry | undefined {
  const providerId = providerOf(platform, model);
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
