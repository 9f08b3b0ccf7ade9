// The most a request can cost, reserved against cost limits before it runs so concurrent requests cannot
// together overshoot a limit.

import { costMicros } from '../usage/cost.js';
import type { PricingService } from '../usage/pricing-service.js';

/**
 * Input is bounded by the body's size: a token is at least one byte, and a body is never smaller than its
 * text and images in tokens. Every input token is priced at the dearest input rate (a 1-hour cache write costs
 * twice plain input), and output at `max_tokens`. Models without a known price cost nothing in the ledger,
 * so nothing is reserved for them either.
 */
export function worstCaseMicros(
  pricing: PricingService,
  platform: string,
  model: string,
  bodyBytes: number,
  maxOutputTokens: number,
): number {
  const quote = pricing.quote(platform, model, bodyBytes);
  if (!quote) return 0;
  const { prices } = quote;
  const dearestInput = Math.max(prices.input, prices.cacheRead, prices.cacheWrite5m, prices.cacheWrite1h);
  const bound = costMicros(
    { input: bodyBytes, output: maxOutputTokens, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
    { input: dearestInput, output: prices.output, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
  );
  // costMicros rounds to the nearest micro-USD; a bound must not round down.
  return bound + 1;
}
