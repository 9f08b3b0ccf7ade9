// What an import (of a Claude Relay Service, or of a bundle) did, record by record, for people and tools.

export const REPORT_ENTITIES = [
  'account',
  'group',
  'user',
  'api-key',
  'key-pepper',
  'channel',
  'alert-rule',
  'price',
  'spend-limit',
  'managed-settings',
] as const;
export type ReportEntity = (typeof REPORT_ENTITIES)[number];

/**
 * `imported`: written now (or, in a dry run, would be); `unchanged`: imported by an earlier run, left as it is;
 * `skipped`: not imported, for the reason given.
 */
export type ReportOutcome = 'imported' | 'unchanged' | 'skipped';

export interface ReportItem {
  entity: ReportEntity;
  /** The CRS kind (accounts), the platform (groups), or what else says what it is. */
  kind?: string;
  sourceId: string;
  name?: string;
  outcome: ReportOutcome;
  /** Our id for it, once written. */
  targetId?: string;
  reason?: string;
  /** Fields with no equivalent, values adjusted, secrets stored unencrypted, and the like. */
  notes: string[];
}

export interface ImportReport {
  dryRun: boolean;
  source: string;
  items: ReportItem[];
  /** Things about the whole source, e.g. kinds of records this import does not know. */
  warnings: string[];
  totals: Record<ReportEntity, Record<ReportOutcome, number>>;
}

export function totalsOf(items: readonly ReportItem[]): ImportReport['totals'] {
  const totals = Object.fromEntries(
    REPORT_ENTITIES.map((entity) => [entity, { imported: 0, unchanged: 0, skipped: 0 }]),
  ) as ImportReport['totals'];
  for (const item of items) totals[item.entity][item.outcome] += 1;
  return totals;
}
