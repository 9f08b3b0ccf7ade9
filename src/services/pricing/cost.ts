// Cost arithmetic in integers: unit prices become pico-USD per token, totals are rounded once to micro-USD.
import type { TokenUsage, UnitPrices } from '../usage/usage-types.js';

/** USD per million tokens equals micro-USD per token; ×1e6 more gives pico-USD per token as an integer. */
function picosPerToken(usdPerMillion: number): number {
  return Math.round(usdPerMillion * 1_000_000);
}

export function costMicros(usage: TokenUsage, prices: UnitPrices): number {
  const picos =
    usage.input * picosPerToken(prices.input) +
    usage.output * picosPerToken(prices.output) +
    usage.cacheRead * picosPerToken(prices.cacheRead) +
    usage.cacheWrite5m * picosPerToken(prices.cacheWrite5m) +
    usage.cacheWrite1h * picosPerToken(prices.cacheWrite1h);
  return Math.round(picos / 1_000_000);
}
