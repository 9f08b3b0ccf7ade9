// A ledger entry for tests that build entries directly: every field has a default, so a field added to
// LedgerEntry gets its default in one place.
import type { LedgerEntry } from '../../src/services/usage/ledger-entry.js';

export function ledgerEntry(overrides: Partial<LedgerEntry>): LedgerEntry {
  return {
    requestId: 'req_default',
    at: Date.now() - 10_000,
    keyId: 'key_a',
    accountId: 'acc_a',
    platform: 'claude',
    model: 'claude-sonnet-4-5',
    upstreamModel: 'claude-sonnet-4-5-20250929',
    usage: { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
    costMicros: 0,
    prices: undefined,
    priceVersion: undefined,
    outcome: 'ok',
    estimated: false,
    status: 200,
    stream: false,
    latencyMs: 100,
    ttftMs: undefined,
    errorCode: undefined,
    clientRequestId: undefined,
    userId: undefined,
    clientFormat: 'anthropic',
    upstreamFormat: 'anthropic',
    clientKind: undefined,
    attempts: 1,
    errorMessage: undefined,
    ...overrides,
  };
}
