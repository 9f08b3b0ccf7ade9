// The ledger entry of one settled request, and its flat field/value encoding for the Redis stream.
import type { Outcome, TokenUsage, UnitPrices } from './usage-types.js';

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
}

export interface StoredLedgerEntry extends LedgerEntry {
  /** The stream entry id, which orders the ledger. */
  id: string;
}

const PRICE_ORDER = ['input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h'] as const;

/** Flat pairs for XADD; prices as one comma list to keep the entry small. */
export function encodeLedgerEntry(entry: LedgerEntry): string[] {
  const { usage } = entry;
  // biome-ignore format: one field/value pair per line
  return [
    'rid', entry.requestId,
    'at', String(entry.at),
    'key', entry.keyId,
    'acc', entry.accountId ?? '',
    'plat', entry.platform,
    'model', entry.model,
    'umodel', entry.upstreamModel,
    'in', String(usage.input),
    'out', String(usage.output),
    'cr', String(usage.cacheRead),
    'cw5', String(usage.cacheWrite5m),
    'cw1', String(usage.cacheWrite1h),
    'cost', String(entry.costMicros),
    'prices', entry.prices ? PRICE_ORDER.map((name) => entry.prices?.[name] ?? 0).join(',') : '',
    'pv', entry.priceVersion ?? '',
    'outcome', entry.outcome,
    'est', entry.estimated ? '1' : '0',
    'status', String(entry.status),
    'stream', entry.stream ? '1' : '0',
    'lat', String(Math.round(entry.latencyMs)),
    'ttft', entry.ttftMs === undefined ? '' : String(Math.round(entry.ttftMs)),
    'err', entry.errorCode ?? '',
  ];
}

const OUTCOMES: readonly Outcome[] = ['ok', 'client_aborted', 'upstream_error', 'failed_over'];

export function decodeLedgerEntry(id: string, pairs: string[]): StoredLedgerEntry {
  const fields = new Map<string, string>();
  for (let index = 0; index + 1 < pairs.length; index += 2)
    fields.set(pairs[index] ?? '', pairs[index + 1] ?? '');
  const text = (name: string) => fields.get(name) ?? '';
  const number = (name: string) => Number(fields.get(name) ?? 0) || 0;
  const optional = (name: string) => (text(name) === '' ? undefined : text(name));
  const priceList = text('prices');
  const priceValues = priceList === '' ? undefined : priceList.split(',').map(Number);
  const outcome = OUTCOMES.find((candidate) => candidate === text('outcome')) ?? 'upstream_error';
  return {
    id,
    requestId: text('rid'),
    at: number('at'),
    keyId: text('key'),
    accountId: optional('acc'),
    platform: text('plat'),
    model: text('model'),
    upstreamModel: text('umodel'),
    usage: {
      input: number('in'),
      output: number('out'),
      cacheRead: number('cr'),
      cacheWrite5m: number('cw5'),
      cacheWrite1h: number('cw1'),
    },
    costMicros: number('cost'),
    prices: priceValues && {
      input: priceValues[0] ?? 0,
      output: priceValues[1] ?? 0,
      cacheRead: priceValues[2] ?? 0,
      cacheWrite5m: priceValues[3] ?? 0,
      cacheWrite1h: priceValues[4] ?? 0,
    },
    priceVersion: optional('pv'),
    outcome,
    estimated: text('est') === '1',
    status: number('status'),
    stream: text('stream') === '1',
    latencyMs: number('lat'),
    ttftMs: optional('ttft') === undefined ? undefined : number('ttft'),
    errorCode: optional('err'),
  };
}
