// The settles of one batch, grouped into one key-settle script call per key (and rate window): each group's
// per-request arguments in the order key-settle-1.lua reads them.
import type { KeySettle } from './admission-service.js';

export interface KeySettleGroup {
  /** The group's first ticket: its key and rate window are the group's. */
  ticket: KeySettle['ticket'];
  /** For each request: id, real cost, tokens, number of spend counters, then each counter's suffix and ttl. */
  args: Array<string | number>;
  count: number;
  /** Whether any settled request's key queues requests: its waiters should hear of the freed slot. */
  wakes: boolean;
}

export function groupSettlesByKey(settles: readonly KeySettle[]): Iterable<KeySettleGroup> {
  const groups = new Map<string, KeySettleGroup>();
  for (const { ticket, costMicros, tokens } of settles) {
    // A key whose window changed between two admissions settles each under its own ticket's window.
    const id = `${ticket.keyId}|${ticket.window?.ms ?? 0}|${ticket.window?.mode ?? ''}`;
    let group = groups.get(id);
    if (!group) {
      group = { ticket, args: [], count: 0, wakes: false };
      groups.set(id, group);
    }
    group.count += 1;
    group.wakes ||= ticket.wakesQueue;
    group.args.push(ticket.requestId, costMicros, tokens, ticket.counters.length);
    for (const counter of ticket.counters) group.args.push(counter.suffix, counter.ttlSeconds);
  }
  return groups.values();
}
