// Ledger entries and a log capture for the OpenTelemetry export's tests: one request of each kind the export
// tells apart (a stream with cache usage, a whole answer with reasoning, a failed stream).
import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger.js';
import { ledgerEntry } from './ledger-entry.js';

export { ledgerEntry };

/** When the sample requests arrived: a minute ago, a second apart. */
export const at = Date.now() - 60_000;
export const streamed = ledgerEntry({
  requestId: 'req_stream',
  at,
  accountId: 'acc_claude',
  clientRequestId: 'client-1',
  userId: 'user_1',
  clientKind: 'claude-code',
  clientFormat: 'openai-chat',
  attempts: 2,
  usage: { input: 100, output: 50, cacheRead: 1000, cacheWrite5m: 150, cacheWrite1h: 50 },
  costMicros: 12_345,
  stream: true,
  latencyMs: 2500,
  ttftMs: 400,
});
export const unary = ledgerEntry({
  requestId: 'req_unary',
  at: at + 1000,
  platform: 'openai',
  model: 'gpt-5',
  upstreamModel: 'gpt-5-2025-08-07',
  usage: { input: 10, output: 20, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, reasoning: 5 },
  latencyMs: 800,
  // Time to first byte of a whole answer: not a chunk, so no time-to-first-chunk.
  ttftMs: 790,
  // As the reconciler writes a lost instance's request: no client format known.
  clientFormat: '',
  upstreamFormat: undefined,
});
export const failed = ledgerEntry({
  requestId: 'req_failed',
  at: at + 2000,
  outcome: 'upstream_error',
  status: 429,
  stream: true,
  latencyMs: 150,
  errorCode: 'rate_limited',
  errorMessage: 'Number of request tokens has exceeded your per-minute rate limit',
});

/** A real logger whose lines the test can read. */
export function captureLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}
