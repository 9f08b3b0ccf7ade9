import { describe, expect, it } from 'vitest';
import { catalogUnitPrices, findCatalogEntry } from '../../src/services/pricing/catalog-prices.js';
import { costMicros } from '../../src/services/pricing/cost.js';

describe('pricing', () => {
  it('finds dated model names in the catalog and prices every token kind', () => {
    const entry = findCatalogEntry('claude', 'claude-sonnet-4-5-20250929');
    expect(entry?.modelId).toBe('claude-sonnet-4-5');
    const prices = entry && catalogUnitPrices(entry, 10_000);
    expect(prices).toEqual({ input: 3, output: 15, cacheRead: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6 });
  });

  it('reprices the whole request when its input crosses a long-context tier', () => {
    const entry = findCatalogEntry('claude', 'claude-sonnet-4-5');
    if (!entry) throw new Error('catalog lost claude-sonnet-4-5');
    expect(catalogUnitPrices(entry, 200_000).input).toBe(3);
    expect(catalogUnitPrices(entry, 200_001).input).toBe(6);
  });

  it('knows nothing of unknown models or platforms', () => {
    expect(findCatalogEntry('claude', 'claude-nonexistent-9')).toBeUndefined();
    expect(findCatalogEntry('nowhere', 'claude-sonnet-4-5')).toBeUndefined();
  });

  it('prices the Droid pool’s models as their makers do, and nothing it does not resell', () => {
    expect(findCatalogEntry('droid', 'claude-sonnet-4-5')).toEqual(
      findCatalogEntry('claude', 'claude-sonnet-4-5'),
    );
    expect(findCatalogEntry('droid', 'gpt-5')).toEqual(findCatalogEntry('openai', 'gpt-5'));
    expect(findCatalogEntry('droid', 'gemini-2.5-pro')).toEqual(findCatalogEntry('gemini', 'gemini-2.5-pro'));
    expect(findCatalogEntry('droid', 'claude-sonnet-4-5')).toBeDefined();
    expect(findCatalogEntry('droid', 'glm-4.6')).toBeUndefined();
  });

  it('prices the OpenAI models Codex and the Responses API use from the same catalog', () => {
    const resolved = Object.fromEntries(
      ['gpt-5', 'gpt-5-codex', 'gpt-5.1-codex', 'gpt-5.1-codex-mini', 'gpt-4.1', 'o3', 'o4-mini'].map(
        (model) => {
          const entry = findCatalogEntry('openai', model);
          return [model, entry && { modelId: entry.modelId, ...catalogUnitPrices(entry, 10_000) }];
        },
      ),
    );
    // Cached input bills at the cache-read price; OpenAI has no cache writes, so those fall back to input.
    // Codex variants price as their base model, which is what OpenAI charges for them.
    expect(resolved).toEqual({
      'gpt-5': { modelId: 'gpt-5', ...perMillion(1.25, 10, 0.125) },
      'gpt-5-codex': { modelId: 'gpt-5', ...perMillion(1.25, 10, 0.125) },
      'gpt-5.1-codex': { modelId: 'gpt-5.1', ...perMillion(1.25, 10, 0.125) },
      'gpt-5.1-codex-mini': { modelId: 'gpt-5.1-codex-mini', ...perMillion(0.25, 2, 0.025) },
      'gpt-4.1': { modelId: 'gpt-4.1', ...perMillion(2, 8, 0.5) },
      o3: { modelId: 'o3', ...perMillion(2, 8, 0.5) },
      'o4-mini': { modelId: 'o4-mini', ...perMillion(1.1, 4.4, 0.275) },
    });
    // The same names under the Claude pool are not priced as OpenAI models.
    expect(findCatalogEntry('claude', 'gpt-5')).toBeUndefined();
  });

  it('prices Gemini models from the catalog, Gemini 2.5 Pro with its long-context tier above 200k input', () => {
    const pro = findCatalogEntry('gemini', 'gemini-2.5-pro');
    if (!pro) throw new Error('catalog lost gemini-2.5-pro');
    // Google bills no cache writes: they fall back to the input price.
    expect(catalogUnitPrices(pro, 200_000)).toEqual(perMillion(1.25, 10, 0.125));
    expect(catalogUnitPrices(pro, 200_001)).toEqual(perMillion(2.5, 15, 0.25));
    const flash = findCatalogEntry('gemini', 'gemini-2.5-flash');
    if (!flash) throw new Error('catalog lost gemini-2.5-flash');
    expect(catalogUnitPrices(flash, 500_000)).toEqual(perMillion(0.3, 2.5, 0.03));
    // Google's catalog also prices Claude on Vertex; the Gemini pool does not price Claude models as its own.
    expect(findCatalogEntry('gemini', 'gpt-5')).toBeUndefined();
  });

  it('computes integer micro-USD without floating-point drift', () => {
    const prices = { input: 3, output: 15, cacheRead: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6 };
    expect(costMicros({ input: 1, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }, prices)).toBe(
      3,
    );
    expect(costMicros({ input: 0, output: 0, cacheRead: 10, cacheWrite5m: 0, cacheWrite1h: 0 }, prices)).toBe(
      3,
    );
    expect(
      costMicros(
        {
          input: 1_000_000,
          output: 1_000_000,
          cacheRead: 1_000_000,
          cacheWrite5m: 1_000_000,
          cacheWrite1h: 1_000_000,
        },
        prices,
      ),
    ).toBe(28_050_000);
    expect(costMicros({ input: 0, output: 0, cacheRead: 1, cacheWrite5m: 0, cacheWrite1h: 0 }, prices)).toBe(
      0,
    );
  });
});

function perMillion(input: number, output: number, cacheRead: number) {
  return { input, output, cacheRead, cacheWrite5m: input, cacheWrite1h: input };
}
