// Canonical usage: every figure a format reports, split the same way whatever the provider (input with and
// without cache, cache writes by lifetime, output with its reasoning share), and the provider's own object
// beside it. It is what a translated answer tells its client; the ledger reads the upstream's report itself.

export interface CanonicalUsage {
  /** Every input token: uncached + cache read + cache writes. */
  inputTotal: number;
  inputNoCache: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  /** Every output token, reasoning included. */
  outputTotal: number;
  outputText: number;
  outputReasoning: number;
  /** The provider's usage object as it came. */
  raw?: unknown;
}

export function emptyUsage(): CanonicalUsage {
  return {
    inputTotal: 0,
    inputNoCache: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    outputTotal: 0,
    outputText: 0,
    outputReasoning: 0,
  };
}

/** Usage from the split a provider reports, the totals derived from it. */
export function usageOf(
  split: {
    inputNoCache: number;
    cacheRead?: number;
    cacheWrite5m?: number;
    cacheWrite1h?: number;
    outputText: number;
    outputReasoning?: number;
  },
  raw: unknown,
): CanonicalUsage {
  const cacheRead = split.cacheRead ?? 0;
  const cacheWrite5m = split.cacheWrite5m ?? 0;
  const cacheWrite1h = split.cacheWrite1h ?? 0;
  const outputReasoning = split.outputReasoning ?? 0;
  return {
    inputTotal: split.inputNoCache + cacheRead + cacheWrite5m + cacheWrite1h,
    inputNoCache: split.inputNoCache,
    cacheRead,
    cacheWrite5m,
    cacheWrite1h,
    outputTotal: split.outputText + outputReasoning,
    outputText: split.outputText,
    outputReasoning,
    raw,
  };
}
