// The ledger entry of one settled request, and its flat field/value encoding for the Redis stream.
import { OUTCOMES, type Outcome, type TokenUsage, type UnitPrices } from './usage-types.js';

export interface LedgerEntry {
  requestId: string;
  /** When the request arrived, ms since the epoch. */
  at: number;
  keyId: string;
  accountId: string | undefined;
  platform: string;
  /** The model the client asked for. */
  model: string;
  /** The model sent upstream (after the account's mapping); this is what is priced. */
  upstreamModel: string;
  usage: TokenUsage;
  costMicros: number;
  /** Unit prices used (USD per million tokens); undefined when the model could not be priced. */
  prices: UnitPrices | undefined;
  priceVersion: string | undefined;
  outcome: Outcome;
  /** True when the tokens are partly estimated (the stream ended before the final usage arrived). */
  estimated: boolean;
  status: number;
  stream: boolean;
  latencyMs: number;
  ttftMs: number | undefined;
  errorCode: string | undefined;
  /** The client's own `x-request-id`, kept for correlation; the relay's `requestId` is what identifies it. */
  clientRequestId: string | undefined;
  /** The key's owner (a control-plane user), when the key has one. */
  userId: string | undefined;
  /** The format the client spoke (`anthropic`, `openai-chat`…); empty for entries the reconciler wrote. */
  clientFormat: string;
  /** The format the account was sent: the client's, or another where the request was translated. */
  upstreamFormat: string | undefined;
  /** Which client sent it (`claude-code`, `codex`…), as its headers tell; undefined when unknown. */
  clientKind: string | undefined;
  /**
   * Accounts tried for the request: 1, or more where it failed over (each earlier attempt has an entry of its
   * own, `<requestId>~<n>`, with outcome `failed_over`).
   */
  attempts: number;
  /** What went wrong, in a line (bounded, see ERROR_MESSAGE_MAX); undefined for requests that went well. */
  errorMessage: string | undefined;
}

export interface StoredLedgerEntry extends LedgerEntry {
  /** The stream entry id, which orders the ledger. */
  id: string;
}

const FORMAT_VERSION = 1;

/** Error messages are cut to this many characters: enough to tell what happened, bounded per entry. */
export const ERROR_MESSAGE_MAX = 300;

/** The stream field that holds an entry. */
export const LEDGER_FIELD = 'e';

/** The pub/sub topic on which each settle batch announces its entries (see encodeLedgerBatch). */
export const LEDGER_TOPIC = 'ledger';

/**
 * One entry is one positional JSON array in a single stream field: a settle sends three arguments instead of
 * forty-odd, which is most of what encoding a settle costs, and the array stays readable with XRANGE.
 */
export function encodeLedgerEntry(entry: LedgerEntry): string {
  const { usage, prices } = entry;
  return JSON.stringify([
    FORMAT_VERSION,
    entry.requestId,
    entry.at,
    entry.keyId,
    entry.accountId ?? null,
    entry.platform,
    entry.model,
    entry.upstreamModel,
    usage.input,
    usage.output,
    usage.cacheRead,
    usage.cacheWrite5m,
    usage.cacheWrite1h,
    entry.costMicros,
    prices ? [prices.input, prices.output, prices.cacheRead, prices.cacheWrite5m, prices.cacheWrite1h] : null,
    entry.priceVersion ?? null,
    entry.outcome,
    entry.estimated ? 1 : 0,
    entry.status,
    entry.stream ? 1 : 0,
    Math.round(entry.latencyMs),
    entry.ttftMs === undefined ? null : Math.round(entry.ttftMs),
    entry.errorCode ?? null,
    entry.clientRequestId ?? null,
    usage.reasoning ?? null,
    entry.userId ?? null,
    entry.clientFormat,
    entry.upstreamFormat ?? null,
    entry.clientKind ?? null,
    entry.attempts,
    entry.errorMessage === undefined ? null : entry.errorMessage.slice(0, ERROR_MESSAGE_MAX),
  ]);
}

/**
 * A settle batch as one pub/sub message: the entries' encodings, already built for the stream, joined into a
 * JSON array, so announcing a batch costs a string join rather than a serialisation per request.
 */
export function encodeLedgerBatch(encoded: readonly string[]): string {
  return `[${encoded.join(',')}]`;
}

/** Reads a batch message back; anything that is not an array of entries is skipped. */
export function decodeLedgerBatch(message: string): LedgerEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((values: unknown) => (Array.isArray(values) ? [decodeLedgerValues(values)] : []));
}

/** Reads a stream entry back; fields it cannot read become neutral values rather than an exception. */
export function decodeLedgerEntry(id: string, pairs: string[]): StoredLedgerEntry {
  let values: unknown[] = [];
  const at = pairs.indexOf(LEDGER_FIELD);
  try {
    const parsed: unknown = JSON.parse(pairs[at + 1] ?? '[]');
    if (Array.isArray(parsed)) values = parsed;
  } catch {
    values = [];
  }
  return { id, ...decodeLedgerValues(values) };
}

/** One entry's positional array, as encodeLedgerEntry wrote it. */
function decodeLedgerValues(values: readonly unknown[]): LedgerEntry {
  const text = (index: number) => (typeof values[index] === 'string' ? (values[index] as string) : '');
  const optional = (index: number) =>
    typeof values[index] === 'string' ? (values[index] as string) : undefined;
  const number = (index: number) => (typeof values[index] === 'number' ? (values[index] as number) : 0);
  const priceList = Array.isArray(values[14])
    ? (values[14] as unknown[]).map((value) => Number(value) || 0)
    : null;
  const outcome = OUTCOMES.find((candidate) => candidate === values[16]) ?? 'upstream_error';
  return {
    requestId: text(1),
    at: number(2),
    keyId: text(3),
    accountId: optional(4),
    platform: text(5),
    model: text(6),
    upstreamModel: text(7),
    usage: {
      input: number(8),
      output: number(9),
      cacheRead: number(10),
      cacheWrite5m: number(11),
      cacheWrite1h: number(12),
      ...(typeof values[24] === 'number' ? { reasoning: values[24] } : {}),
    },
    costMicros: number(13),
    prices: priceList
      ? {
          input: priceList[0] ?? 0,
          output: priceList[1] ?? 0,
          cacheRead: priceList[2] ?? 0,
          cacheWrite5m: priceList[3] ?? 0,
          cacheWrite1h: priceList[4] ?? 0,
        }
      : undefined,
    priceVersion: optional(15),
    outcome,
    estimated: values[17] === 1,
    status: number(18),
    stream: values[19] === 1,
    latencyMs: number(20),
    ttftMs: typeof values[21] === 'number' ? values[21] : undefined,
    errorCode: optional(22),
    clientRequestId: optional(23),
    // Fields 25 on came later: entries written before them read as unknown, one attempt.
    userId: optional(25),
    clientFormat: text(26),
    upstreamFormat: optional(27),
    clientKind: optional(28),
    attempts: typeof values[29] === 'number' ? values[29] : 1,
    errorMessage: optional(30),
  };
}
