// A request-log filter as SQL conditions on `request_log`: each field means exactly what entryMatcher means
// by it, and every value travels as a parameter.
import { type RequestLogFilter, textTerms } from '../request-log-filter.js';
import { SETTLE_LAG_MS } from '../request-log-service.js';
import { isoTime, TIME_MAX } from './archive-rows.js';

/** Collects parameters and hands out their placeholders. */
export class SqlParameters {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Stream ids are Redis's clock at append, `at` the instance's at arrival. The append follows arrival by up to
 * the settle lag (as the Redis scan assumes), and an instance's clock may run a little ahead of Redis's: the
 * stream-id bounds that prune partitions are widened by both, and the exact bounds on `at` decide.
 */
export const CLOCK_SKEW_MS = 300_000;

/** LIKE's wildcards and escape character, taken literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** The conditions, ANDed; an empty list matches every row. */
export function filterConditions(filter: RequestLogFilter, params: SqlParameters): string[] {
  const conditions: string[] = [];
  const equals = (column: string, value: string | number | undefined) => {
    if (value !== undefined) conditions.push(`${column} = ${params.add(value)}`);
  };
  const atLeast = (expression: string, value: number | undefined) => {
    // float8: the thresholds may be fractional, the columns are integers.
    if (value !== undefined) conditions.push(`${expression} >= ${params.add(value)}::float8`);
  };

  // An empty key list (a member without keys) matches nothing, as an empty set does.
  if (filter.keyIds) conditions.push(`key_id = ANY(${params.add([...filter.keyIds])}::text[])`);
  equals('key_id', filter.keyId);
  equals('user_id', filter.userId);
  equals('account_id', filter.accountId);
  equals('platform', filter.platform);
  equals('client_format', filter.clientFormat);
  equals('upstream_format', filter.upstreamFormat);
  equals('client_kind', filter.clientKind);
  if (filter.model !== undefined) {
    const model = params.add(filter.model);
    conditions.push(`(model = ${model} OR upstream_model = ${model})`);
  }
  equals('outcome', filter.outcome);
  equals('status', filter.status);
  equals('error_code', filter.errorCode);
  if (filter.requestId !== undefined) {
    // The request and its failed-over attempts `<id>~<n>`: a prefix the byte-wise request_id index serves.
    const attempts = `${escapeLike(`${filter.requestId}~`)}%`;
    conditions.push(
      `(request_id = ${params.add(filter.requestId)} OR request_id LIKE ${params.add(attempts)})`,
    );
  }
  equals('client_request_id', filter.clientRequestId);
  // error_search holds the message lower-cased by the relay, and the terms are lower-cased the same way.
  const terms = textTerms(filter.text);
  // Implied by any LIKE, but only said outright does it let the planner read the error rows' own index.
  if (terms.length > 0) conditions.push('error_search IS NOT NULL');
  for (const term of terms) conditions.push(`error_search LIKE ${params.add(`%${escapeLike(term)}%`)}`);
  atLeast('latency_ms', filter.minLatencyMs);
  atLeast('coalesce(ttft_ms, -1)', filter.minTtftMs);
  atLeast('cost_micros', filter.minCostMicros);
  atLeast(
    '(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + output_tokens)',
    filter.minTokens,
  );
  atLeast('attempts', filter.minAttempts);

  if (filter.from !== undefined) {
    // Stored times end at year 9999; a bound past it matches nothing.
    if (filter.from > TIME_MAX) conditions.push('false');
    else conditions.push(`at >= ${params.add(isoTime(filter.from))}::timestamptz`);
    conditions.push(`stream_ms >= ${params.add(filter.from - CLOCK_SKEW_MS)}`);
  }
  if (filter.to !== undefined) {
    if (filter.to < TIME_MAX) conditions.push(`at <= ${params.add(isoTime(filter.to))}::timestamptz`);
    conditions.push(`stream_ms <= ${params.add(filter.to + SETTLE_LAG_MS)}`);
  }
  return conditions;
}
