// What a request-log query (and its live tail) may filter by, validated once, and the one test of an entry
// against it: the Redis scan, the live tail and the archive's SQL all mean the same thing by each field.
import { z } from 'zod';
import type { LedgerEntry } from '../usage/ledger-entry.js';
import { OUTCOMES } from '../usage/usage-types.js';
import { entityIdSchema } from '../validation.js';

const time = z.number().int().min(0);
const name = z.string().trim().min(1).max(200);
const minimum = z.number().min(0);

export const requestLogFilterSchema = z.object({
  keyId: entityIdSchema.optional(),
  userId: entityIdSchema.optional(),
  accountId: entityIdSchema.optional(),
  platform: name.optional(),
  clientFormat: name.optional(),
  upstreamFormat: name.optional(),
  clientKind: name.optional(),
  /** Matches the model the client asked for or the one sent upstream. */
  model: name.optional(),
  outcome: z.enum(OUTCOMES).optional(),
  status: z.number().int().min(0).max(999).optional(),
  errorCode: name.optional(),
  /** The relay's request id: matches the request and its failed-over attempts (`<id>~<n>`). */
  requestId: name.optional(),
  clientRequestId: name.optional(),
  /** Case-insensitive words in the error message, all of them. */
  text: z.string().trim().min(1).max(200).optional(),
  minLatencyMs: minimum.optional(),
  minTtftMs: minimum.optional(),
  minCostMicros: minimum.optional(),
  /** Input + output tokens, cache included. */
  minTokens: minimum.optional(),
  minAttempts: z.number().int().min(1).optional(),
  /** Arrival time bounds, ms since the epoch, inclusive. */
  from: time.optional(),
  to: time.optional(),
});

export type RequestLogFilterInput = z.input<typeof requestLogFilterSchema>;

/** A validated filter; `keyIds` is set by the control plane to scope a member to their own keys. */
export type RequestLogFilter = z.output<typeof requestLogFilterSchema> & { keyIds?: readonly string[] };

/** The words of a free-text filter, lower-cased; each must appear in the error message. */
export function textTerms(text: string | undefined): string[] {
  return text === undefined ? [] : text.toLowerCase().split(/\s+/).filter(Boolean);
}

export function entryTokens(entry: LedgerEntry): number {
  const { usage } = entry;
  return usage.input + usage.cacheRead + usage.cacheWrite5m + usage.cacheWrite1h + usage.output;
}

/** Builds the test once per query: the key set and text terms are prepared, not rebuilt per entry. */
export function entryMatcher(filter: RequestLogFilter): (entry: LedgerEntry) => boolean {
  const keyIds = filter.keyIds && new Set(filter.keyIds);
  const terms = textTerms(filter.text);
  const attempt = filter.requestId === undefined ? undefined : `${filter.requestId}~`;
  return (entry) =>
    (!keyIds || keyIds.has(entry.keyId)) &&
    (filter.keyId === undefined || entry.keyId === filter.keyId) &&
    (filter.userId === undefined || entry.userId === filter.userId) &&
    (filter.accountId === undefined || entry.accountId === filter.accountId) &&
    (filter.platform === undefined || entry.platform === filter.platform) &&
    (filter.clientFormat === undefined || entry.clientFormat === filter.clientFormat) &&
    (filter.upstreamFormat === undefined || entry.upstreamFormat === filter.upstreamFormat) &&
    (filter.clientKind === undefined || entry.clientKind === filter.clientKind) &&
    (filter.model === undefined || entry.model === filter.model || entry.upstreamModel === filter.model) &&
    (filter.outcome === undefined || entry.outcome === filter.outcome) &&
    (filter.status === undefined || entry.status === filter.status) &&
    (filter.errorCode === undefined || entry.errorCode === filter.errorCode) &&
    (filter.requestId === undefined ||
      entry.requestId === filter.requestId ||
      (attempt !== undefined && entry.requestId.startsWith(attempt))) &&
    (filter.clientRequestId === undefined || entry.clientRequestId === filter.clientRequestId) &&
    (terms.length === 0 || containsAll(entry.errorMessage, terms)) &&
    (filter.minLatencyMs === undefined || entry.latencyMs >= filter.minLatencyMs) &&
    (filter.minTtftMs === undefined || (entry.ttftMs ?? -1) >= filter.minTtftMs) &&
    (filter.minCostMicros === undefined || entry.costMicros >= filter.minCostMicros) &&
    (filter.minTokens === undefined || entryTokens(entry) >= filter.minTokens) &&
    (filter.minAttempts === undefined || entry.attempts >= filter.minAttempts) &&
    (filter.from === undefined || entry.at >= filter.from) &&
    (filter.to === undefined || entry.at <= filter.to);
}

function containsAll(message: string | undefined, terms: readonly string[]): boolean {
  if (message === undefined) return false;
  const lower = message.toLowerCase();
  return terms.every((term) => lower.includes(term));
}
