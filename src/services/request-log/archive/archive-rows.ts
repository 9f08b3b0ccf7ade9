// A ledger entry as a row of the archive's `request_log` table and back: the one list of its columns.
import type { StoredLedgerEntry } from '../../usage/ledger-entry.js';
import { OUTCOMES } from '../../usage/usage-types.js';
import { parseStreamId } from '../stream-ids.js';

type ColumnType = 'bigint' | 'integer' | 'text' | 'boolean' | 'double precision' | 'timestamptz';

interface Column {
  name: string;
  type: ColumnType;
  value: (entry: StoredLedgerEntry, ms: number, seq: number) => unknown;
}

/**
 * Values the product writes are integers, bounded times and plain text by construction. A stream entry that
 * is not (decodeLedgerEntry reads anything) is bent into the column rather than refused: one odd entry must
 * never stop the archive, which would otherwise retry the same batch forever.
 */
const INT4_MAX = 2_147_483_647;
function whole(value: number, max = Number.MAX_SAFE_INTEGER): number {
  return Number.isFinite(value) ? Math.max(-max, Math.min(max, Math.round(value))) : 0;
}
function optionalWhole(value: number | undefined, max?: number): number | null {
  return value === undefined ? null : whole(value, max);
}
/** PostgreSQL text cannot hold NUL; a client may well send one in a model name. */
function text(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}
function optionalText(value: string | undefined): string | null {
  return value === undefined ? null : text(value);
}
/** Years 1 to 9999, which both JavaScript's ISO strings and timestamptz read the same way. */
const TIME_MIN = -62_135_596_800_000;
export const TIME_MAX = 253_402_300_799_999;
export function isoTime(ms: number): string {
  return new Date(Number.isFinite(ms) ? Math.max(TIME_MIN, Math.min(TIME_MAX, ms)) : 0).toISOString();
}

const COLUMNS: readonly Column[] = [
  { name: 'stream_ms', type: 'bigint', value: (_, ms) => ms },
  { name: 'stream_seq', type: 'bigint', value: (_, __, seq) => seq },
  { name: 'request_id', type: 'text', value: (e) => text(e.requestId) },
  { name: 'at', type: 'timestamptz', value: (e) => isoTime(e.at) },
  { name: 'key_id', type: 'text', value: (e) => text(e.keyId) },
  { name: 'user_id', type: 'text', value: (e) => optionalText(e.userId) },
  { name: 'account_id', type: 'text', value: (e) => optionalText(e.accountId) },
  { name: 'platform', type: 'text', value: (e) => text(e.platform) },
  { name: 'client_format', type: 'text', value: (e) => text(e.clientFormat) },
  { name: 'upstream_format', type: 'text', value: (e) => optionalText(e.upstreamFormat) },
  { name: 'client_kind', type: 'text', value: (e) => optionalText(e.clientKind) },
  { name: 'model', type: 'text', value: (e) => text(e.model) },
  { name: 'upstream_model', type: 'text', value: (e) => text(e.upstreamModel) },
  { name: 'input_tokens', type: 'bigint', value: (e) => whole(e.usage.input) },
  { name: 'output_tokens', type: 'bigint', value: (e) => whole(e.usage.output) },
  { name: 'cache_read_tokens', type: 'bigint', value: (e) => whole(e.usage.cacheRead) },
  { name: 'cache_write_5m_tokens', type: 'bigint', value: (e) => whole(e.usage.cacheWrite5m) },
  { name: 'cache_write_1h_tokens', type: 'bigint', value: (e) => whole(e.usage.cacheWrite1h) },
  { name: 'reasoning_tokens', type: 'bigint', value: (e) => optionalWhole(e.usage.reasoning) },
  { name: 'cost_micros', type: 'bigint', value: (e) => whole(e.costMicros) },
  { name: 'price_input', type: 'double precision', value: (e) => e.prices?.input ?? null },
  { name: 'price_output', type: 'double precision', value: (e) => e.prices?.output ?? null },
  { name: 'price_cache_read', type: 'double precision', value: (e) => e.prices?.cacheRead ?? null },
  { name: 'price_cache_write_5m', type: 'double precision', value: (e) => e.prices?.cacheWrite5m ?? null },
  { name: 'price_cache_write_1h', type: 'double precision', value: (e) => e.prices?.cacheWrite1h ?? null },
  { name: 'price_version', type: 'text', value: (e) => optionalText(e.priceVersion) },
  { name: 'outcome', type: 'text', value: (e) => e.outcome },
  { name: 'estimated', type: 'boolean', value: (e) => e.estimated },
  { name: 'status', type: 'integer', value: (e) => whole(e.status, INT4_MAX) },
  { name: 'stream', type: 'boolean', value: (e) => e.stream },
  { name: 'latency_ms', type: 'bigint', value: (e) => whole(e.latencyMs) },
  { name: 'ttft_ms', type: 'bigint', value: (e) => optionalWhole(e.ttftMs) },
  { name: 'error_code', type: 'text', value: (e) => optionalText(e.errorCode) },
  { name: 'error_message', type: 'text', value: (e) => optionalText(e.errorMessage) },
  // What the free-text filter searches: lower-cased here exactly as entryMatcher lower-cases.
  { name: 'error_search', type: 'text', value: (e) => optionalText(e.errorMessage?.toLowerCase()) },
  { name: 'client_request_id', type: 'text', value: (e) => optionalText(e.clientRequestId) },
  { name: 'attempts', type: 'integer', value: (e) => whole(e.attempts, INT4_MAX) },
];

/**
 * One statement for a whole batch: each column travels as one array parameter and `unnest` zips them into
 * rows. A stream id already archived is skipped, so a batch written twice is stored once.
 */
export const INSERT_ROWS_SQL = `INSERT INTO request_log (${COLUMNS.map((column) => column.name).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map((column, index) => `$${index + 1}::${column.type}[]`).join(', ')})
  ON CONFLICT DO NOTHING`;

/**
 * The parameters of INSERT_ROWS_SQL: one array per column. Entries whose id is not a stream id are left out.
 */
export function rowArrays(entries: readonly StoredLedgerEntry[]): unknown[][] {
  const arrays: unknown[][] = COLUMNS.map(() => []);
  for (const entry of entries) {
    const id = parseStreamId(entry.id);
    if (!id) continue;
    COLUMNS.forEach((column, index) => {
      arrays[index]?.push(column.value(entry, id.ms, id.seq));
    });
  }
  return arrays;
}

/** The select list that `entryOfRow` reads (the search column is only searched). */
export const SELECT_COLUMNS = COLUMNS.filter((column) => column.name !== 'error_search')
  .map((column) => column.name)
  .join(', ');

/** A row as node-postgres returns it: bigint as text (it may exceed a double), timestamptz as a Date. */
export interface ArchiveRow {
  stream_ms: string;
  stream_seq: string;
  request_id: string;
  at: Date;
  key_id: string;
  user_id: string | null;
  account_id: string | null;
  platform: string;
  client_format: string;
  upstream_format: string | null;
  client_kind: string | null;
  model: string;
  upstream_model: string;
  input_tokens: string;
  output_tokens: string;
  cache_read_tokens: string;
  cache_write_5m_tokens: string;
  cache_write_1h_tokens: string;
  reasoning_tokens: string | null;
  cost_micros: string;
  price_input: number | null;
  price_output: number | null;
  price_cache_read: number | null;
  price_cache_write_5m: number | null;
  price_cache_write_1h: number | null;
  price_version: string | null;
  outcome: string;
  estimated: boolean;
  status: number;
  stream: boolean;
  latency_ms: string;
  ttft_ms: string | null;
  error_code: string | null;
  error_message: string | null;
  client_request_id: string | null;
  attempts: number;
}

const optional = (value: string | null) => value ?? undefined;

/** The entry as decodeLedgerEntry reads it from the stream: same fields, same absent values. */
export function entryOfRow(row: ArchiveRow): StoredLedgerEntry {
  const priced = row.price_input !== null;
  return {
    id: `${row.stream_ms}-${row.stream_seq}`,
    requestId: row.request_id,
    at: row.at.getTime(),
    keyId: row.key_id,
    accountId: optional(row.account_id),
    platform: row.platform,
    model: row.model,
    upstreamModel: row.upstream_model,
    usage: {
      input: Number(row.input_tokens),
      output: Number(row.output_tokens),
      cacheRead: Number(row.cache_read_tokens),
      cacheWrite5m: Number(row.cache_write_5m_tokens),
      cacheWrite1h: Number(row.cache_write_1h_tokens),
      ...(row.reasoning_tokens === null ? {} : { reasoning: Number(row.reasoning_tokens) }),
    },
    costMicros: Number(row.cost_micros),
    prices: priced
      ? {
          input: row.price_input ?? 0,
          output: row.price_output ?? 0,
          cacheRead: row.price_cache_read ?? 0,
          cacheWrite5m: row.price_cache_write_5m ?? 0,
          cacheWrite1h: row.price_cache_write_1h ?? 0,
        }
      : undefined,
    priceVersion: optional(row.price_version),
    outcome: OUTCOMES.find((outcome) => outcome === row.outcome) ?? 'upstream_error',
    estimated: row.estimated,
    status: row.status,
    stream: row.stream,
    latencyMs: Number(row.latency_ms),
    ttftMs: row.ttft_ms === null ? undefined : Number(row.ttft_ms),
    errorCode: optional(row.error_code),
    clientRequestId: optional(row.client_request_id),
    userId: optional(row.user_id),
    clientFormat: row.client_format,
    upstreamFormat: optional(row.upstream_format),
    clientKind: optional(row.client_kind),
    attempts: row.attempts,
    errorMessage: optional(row.error_message),
  };
}
