// The most a request can cost, reserved against cost limits before it runs so concurrent requests cannot
// together overshoot a limit; and the least it can be served with, when its worst case does not fit.
import type { PricingService } from '../pricing/pricing-service.js';
import type { UnitPrices } from '../usage/usage-types.js';

/** What a request's body says about its input, measured by its format without parsing it whole. */
export interface InputMeasure {
  /**
   * A bound on its input tokens that the upstream cannot exceed: every byte of text may be a token, each
   * image at most a fixed allowance (its encoded bytes say nothing about its tokens).
   */
  boundTokens: number;
  /** A realistic estimate, for recording a request whose answer never came back (its instance died). */
  estimateTokens: number;
  /** The dearest kind of input the request can be billed for: cache writes happen only where it asks. */
  cacheWrites: 'none' | '5m' | '1h';
}

export interface CostBound {
  /** Input at its bound and dearest rate, plus `max_tokens` of output, micro-USD. */
  worstMicros: number;
  /** The least the request can be served with: its input bound and one output token, micro-USD. */
  floorMicros: number;
  /** Micro-USD the input bound costs, which comes first out of any reservation. */
  inputMicros: number;
  /** Micro-USD per output token (USD per million tokens is micro-USD per token). */
  outputMicrosPerToken: number;
  /** The input estimate at the plain input rate: what a lost request is charged. */
  estimateMicros: number;
}

/**
 * Undefined for models without a known price: they cost nothing in the ledger, so nothing is reserved either.
 * Amounts are rounded up: a bound must not round down.
 */
export function costBound(
  pricing: PricingService,
  platform: string,
  model: string,
  input: InputMeasure,
  maxOutputTokens: number,
): CostBound | undefined {
  const quote = pricing.quote(platform, model, input.boundTokens);
  if (!quote) return undefined;
  const { prices } = quote;
  const inputMicros = Math.ceil(input.boundTokens * dearestInputRate(prices, input.cacheWrites));
  const outputMicrosPerToken = prices.output;
  return {
    worstMicros: inputMicros + Math.ceil(maxOutputTokens * outputMicrosPerToken) + 1,
    floorMicros: inputMicros + Math.ceil(outputMicrosPerToken) + 1,
    inputMicros,
    outputMicrosPerToken,
    estimateMicros: Math.ceil(input.estimateTokens * prices.input),
  };
}

/**
 * Output tokens a reservation of `reservedMicros` pays for after the input bound, or undefined when the
 * reservation covers the request's own `max_tokens`.
 */
export function outputCap(
  bound: CostBound,
  reservedMicros: number,
  maxOutputTokens: number,
): number | undefined {
  if (reservedMicros >= bound.worstMicros) return undefined;
  const forOutput = reservedMicros - bound.inputMicros - 1;
  const cap =
    bound.outputMicrosPerToken > 0 ? Math.floor(forOutput / bound.outputMicrosPerToken) : maxOutputTokens;
  return Math.max(1, Math.min(cap, maxOutputTokens));
}

function dearestInputRate(prices: UnitPrices, cacheWrites: InputMeasure['cacheWrites']): number {
  switch (cacheWrites) {
    case 'none':
      return prices.input;
    case '5m':
      return Math.max(prices.input, prices.cacheWrite5m);
    case '1h':
      return Math.max(prices.input, prices.cacheWrite5m, prices.cacheWrite1h);
  }
}
