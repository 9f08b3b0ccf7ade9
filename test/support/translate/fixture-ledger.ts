// The usage a recorded stream's `.json` states, in the ledger's split (input without cache, output with its
// reasoning), and canonical usage read in that split, so decoders are checked against what the ledger records.
import type { CanonicalUsage } from '../../../src/relay/canonical/usage.js';

export interface Ledger {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  reasoning: number;
}

export function ledgerOf(usage: CanonicalUsage): Ledger {
  return {
    input: usage.inputNoCache,
    output: usage.outputTotal,
    cacheRead: usage.cacheRead,
    cacheWrite5m: usage.cacheWrite5m,
    cacheWrite1h: usage.cacheWrite1h,
    reasoning: usage.outputReasoning,
  };
}
