// The settles of one batch, grouped into one key-settle script call per key (and rate window), and one per
// owner for the owned keys' per-user counters: each group's per-request arguments in the order key-settle-n.lua
// reads them.
import type { KeySettle } from './admission-types.js';
import type { SpendCounter } from './spend-counters.js';

/** What one side of a request settles: a key's own counters and window, or its owner's counters. */
export interface SettleSide {
  /** The key id, or the user id. */
  id: string;
  counters: readonly SpendCounter[];
  window: { ms: number; mode: 'sliding' | 'fixed' } | undefined;
}

export interface KeySettleGroup {
  side: SettleSide;
  /** For each request: id, real cost, tokens, number of spend counters, then each counter's suffix and ttl. */
  args: Array<string | number>;
  /** Every spend counter the group charges, by suffix: the call declares their keys. */
  charged: Set<string>;
  count: number;
  /** Whether any settled request's key queues requests: its waiters should hear of the freed slot. */
  wakes: boolean;
}

export const keySide = (ticket: KeySettle['ticket']): SettleSide => ({
  id: ticket.keyId,
  counters: ticket.counters,
  window: ticket.window,
});

export const ownerSide = (ticket: KeySettle['ticket']): SettleSide | undefined =>
  ticket.owner && { id: ticket.owner.userId, counters: ticket.owner.counters, window: undefined };

export function groupSettles(
  settles: readonly KeySettle[],
  sideOf: (ticket: KeySettle['ticket']) => SettleSide | undefined,
): Iterable<KeySettleGroup> {
  const groups = new Map<string, KeySettleGroup>();
  for (const { ticket, costMicros, tokens } of settles) {
    const side = sideOf(ticket);
    if (!side) continue;
    // A key whose window changed between two admissions settles each under its own ticket's window.
    const id = `${side.id}|${side.window?.ms ?? 0}|${side.window?.mode ?? ''}`;
    let group = groups.get(id);
    if (!group) {
      group = { side, args: [], charged: new Set(), count: 0, wakes: false };
      groups.set(id, group);
    }
    group.count += 1;
    group.wakes ||= ticket.wakesQueue;
    group.args.push(ticket.requestId, costMicros, tokens, side.counters.length);
    for (const counter of side.counters) {
      group.args.push(counter.suffix, counter.ttlSeconds);
      group.charged.add(counter.suffix);
    }
  }
  return groups.values();
}
