// Token usage and cost types shared by the tap, pricing, the ledger and rollups.

/** Tokens of one request, split the way providers bill them. `input` excludes cache reads and writes. */
export interface TokenUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  /**
   * Output tokens spent on reasoning, where the provider reports them (OpenAI): already part of `output` and
   * billed with it, kept apart so the ledger can show them.
   */
  reasoning?: number;
}

export const ZERO_USAGE: Readonly<TokenUsage> = Object.freeze({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
});

/** USD per million tokens, as price lists quote them. */
export interface UnitPrices {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
}

export interface PriceQuote {
  prices: UnitPrices;
  /** Where the prices came from, e.g. `genai-prices@0.1.8:claude-sonnet-4-5` or `override:1764000000000`. */
  version: string;
}

/**
 * How a request ended. `instance_lost`: the instance serving it died before settling; the reconciler recorded
 * it from its admission claim, with estimated input.
 */
export const OUTCOMES = ['ok', 'client_aborted', 'upstream_error', 'failed_over', 'instance_lost'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export function totalInputTokens(usage: TokenUsage): number {
  return usage.input + usage.cacheRead + usage.cacheWrite5m + usage.cacheWrite1h;
}
