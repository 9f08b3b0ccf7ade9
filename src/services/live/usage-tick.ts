// Usage ticks: what the ledger entries of one interval add up to for one scope (everything, a key, an account).
import type { LedgerEntry } from '../usage/ledger-entry.js';

export const TICK_SCOPES = ['global', 'key', 'account'] as const;
export type TickScope = (typeof TICK_SCOPES)[number];

export type TickTarget = { scope: 'global' } | { scope: 'key' | 'account'; id: string };

export interface UsageTick {
  scope: TickScope;
  /** The key or account id; undefined for the global scope. */
  id: string | undefined;
  /** The span the tick covers, ms since the epoch. */
  from: number;
  to: number;
  /** Intervals folded into this tick: more than one when the subscriber read slower than ticks came. */
  intervals: number;
  /** Requests finished; failed-over attempts are part of their request, not requests of their own. */
  requests: number;
  /** Requests that ended in an upstream error. */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** Cache writes of both lifetimes (5 minutes and 1 hour). */
  cacheWriteTokens: number;
  costMicros: number;
}

export function inScope(target: TickTarget, entry: LedgerEntry): boolean {
  switch (target.scope) {
    case 'global':
      return true;
    case 'key':
      return entry.keyId === target.id;
    case 'account':
      return entry.accountId === target.id;
    default: {
      const unknown: never = target;
      throw new Error(`unknown tick scope ${JSON.stringify(unknown)}`);
    }
  }
}

/** Sums one subscription's entries between two ticks. */
export class TickAccumulator {
  private entries = 0;
  private requests = 0;
  private errors = 0;
  private inputTokens = 0;
  private outputTokens = 0;
  private cacheReadTokens = 0;
  private cacheWriteTokens = 0;
  private costMicros = 0;

  constructor(readonly target: TickTarget) {}

  add(entry: LedgerEntry): void {
    this.entries += 1;
    if (entry.outcome !== 'failed_over') this.requests += 1;
    if (entry.outcome === 'upstream_error') this.errors += 1;
    this.inputTokens += entry.usage.input;
    this.outputTokens += entry.usage.output;
    this.cacheReadTokens += entry.usage.cacheRead;
    this.cacheWriteTokens += entry.usage.cacheWrite5m + entry.usage.cacheWrite1h;
    this.costMicros += entry.costMicros;
  }

  /** The tick for `from`..`to` and a fresh start; undefined when nothing was added (no traffic, no tick). */
  take(from: number, to: number): UsageTick | undefined {
    if (this.entries === 0) return undefined;
    const tick: UsageTick = {
      scope: this.target.scope,
      id: this.target.scope === 'global' ? undefined : this.target.id,
      from,
      to,
      intervals: 1,
      requests: this.requests,
      errors: this.errors,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheReadTokens: this.cacheReadTokens,
      cacheWriteTokens: this.cacheWriteTokens,
      costMicros: this.costMicros,
    };
    this.entries = 0;
    this.requests = 0;
    this.errors = 0;
    this.inputTokens = 0;
    this.outputTokens = 0;
    this.cacheReadTokens = 0;
    this.cacheWriteTokens = 0;
    this.costMicros = 0;
    return tick;
  }
}

/** A tick not yet read and the next one, as one tick over both spans: a slow reader loses no usage. */
export function mergeTicks(older: UsageTick, newer: UsageTick): UsageTick {
  return {
    scope: older.scope,
    id: older.id,
    from: Math.min(older.from, newer.from),
    to: Math.max(older.to, newer.to),
    intervals: older.intervals + newer.intervals,
    requests: older.requests + newer.requests,
    errors: older.errors + newer.errors,
    inputTokens: older.inputTokens + newer.inputTokens,
    outputTokens: older.outputTokens + newer.outputTokens,
    cacheReadTokens: older.cacheReadTokens + newer.cacheReadTokens,
    cacheWriteTokens: older.cacheWriteTokens + newer.cacheWriteTokens,
    costMicros: older.costMicros + newer.costMicros,
  };
}
