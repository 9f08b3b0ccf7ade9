// Appends ledger entries once each: the one script call shared by settles and the reconciler's lost requests.
import type { ChainableCommander } from 'ioredis';
import type { RedisContext } from '../redis/record-store.js';
import { LEDGER_FIELD, type LedgerEntry } from './ledger-entry.js';

/** An entry ready for the ledger. */
export interface LedgerWrite {
  entry: LedgerEntry;
  /** The entry as encodeLedgerEntry wrote it. */
  encoded: string;
  /**
   * Whether admission listed the request as pending: then appending it takes it off that list, and a second
   * append finds it gone. Attempts that failed over were never listed.
   */
  guarded: boolean;
}

/**
 * Adds one ledger-append call for `writes` to a pipeline; its result (an entry id, or 0 when the request was
 * recorded before, per write) is the pipeline's next one. Shared by settles and the reconciler's lost requests.
 */
export function appendLedgerInto(
  context: RedisContext,
  pipeline: ChainableCommander,
  writes: readonly LedgerWrite[],
  ledgerMaxEntries: number,
): void {
  const { keys, scripts } = context;
  const args: Array<string | number> = [ledgerMaxEntries, LEDGER_FIELD, Date.now()];
  for (const { entry, encoded, guarded } of writes) {
    // An attempt that failed over is not a request of its own: only requests count as unpriced.
    const unpriced = !entry.prices && entry.outcome !== 'failed_over';
    args.push(entry.requestId, guarded ? '1' : '0', unpriced ? entry.upstreamModel : '', encoded);
  }
  scripts.queue(
    pipeline,
    'ledger-append-batch',
    [keys.ledgerStream(), keys.ledgerPending(), keys.ledgerUnpricedCount(), keys.ledgerUnpricedModels()],
    args,
  );
}
