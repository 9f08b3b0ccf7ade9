// The settle batch's pub/sub message: the entries' stream encodings joined into one JSON array, read back.
import { describe, expect, it } from 'vitest';
import {
  decodeLedgerBatch,
  encodeLedgerBatch,
  encodeLedgerEntry,
  type LedgerEntry,
} from '../../src/services/usage/ledger-entry.js';
import { ledgerEntry } from '../support/ledger-entry.js';

const entry = (requestId: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry =>
  ledgerEntry({
    requestId,
    at: 1_764_000_000_000,
    model: 'claude-haiku-4-5',
    upstreamModel: 'claude-haiku-4-5',
    usage: { input: 10, output: 5, cacheRead: 3, cacheWrite5m: 2, cacheWrite1h: 1 },
    costMicros: 42,
    prices: { input: 1, output: 5, cacheRead: 0.1, cacheWrite5m: 1.25, cacheWrite1h: 2 },
    priceVersion: 'genai-prices@0.1.8:claude-haiku-4-5',
    stream: true,
    latencyMs: 120,
    ttftMs: 40,
    ...overrides,
  });

describe('ledger batch messages', () => {
  it('round-trips the entries of a batch', () => {
    const entries = [
      entry('r1'),
      entry('r2', { accountId: undefined, ttftMs: undefined, outcome: 'failed_over' }),
    ];
    const message = encodeLedgerBatch(entries.map(encodeLedgerEntry));
    expect(decodeLedgerBatch(message)).toEqual(entries);
  });

  it('reads anything else as no entries rather than failing', () => {
    expect(decodeLedgerBatch('not json')).toEqual([]);
    expect(decodeLedgerBatch('{"a":1}')).toEqual([]);
    expect(decodeLedgerBatch('[1,"x"]')).toEqual([]);
    expect(decodeLedgerBatch(encodeLedgerBatch([]))).toEqual([]);
  });
});
