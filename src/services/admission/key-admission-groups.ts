// The admissions of one event-loop turn, grouped into one admission script call per key: the key's limits
// once, then each request's own arguments, in the order admission-n.lua reads them. Requests of owned keys
// also make one call per owner, on the owner's slot, for their per-user spend counters.
import type { AppError } from '../../errors/app-error.js';
import type { StoredApiKey } from '../api-keys/api-key-types.js';
import { scriptErrorFromCode } from '../redis/script-errors.js';
import { CLAIM_SUFFIXES, slotKeys, windowSuffixes } from './slot-keys.js';

export interface PlannedAdmission {
  key: StoredApiKey;
  /** When the request was planned, ms: its cost periods were chosen at this time. */
  at: number;
  /** Request id, worst case, floor, claim tail, number of cost limits, then each limit's quadruple. */
  args: Array<string | number>;
  /** The counters its admission checks (those with a limit), by suffix in the key's slot. */
  limited: readonly string[];
  /** The owner's side, for a key with an owner: the same for the owner's counters, in the owner's slot. */
  owner: { userId: string; args: Array<string | number>; limited: readonly string[] } | undefined;
}

/** One admission script call: on a key's slot, or on an owner's. */
export interface AdmissionCall<T extends PlannedAdmission> {
  side: 'key' | 'owner';
  /** The key id or the user id. */
  id: string;
  items: T[];
  /** Every key the call touches, the slot's lease set first. */
  keys: string[];
  args: Array<string | number>;
}

/** The turn's admission calls: one per key record, then one per owner. */
export function admissionCalls<T extends PlannedAdmission>(
  items: readonly T[],
  slotPrefix: { key: (keyId: string) => string; owner: (userId: string) => string },
  leaseTtlMs: number,
): Array<AdmissionCall<T>> {
  const calls: Array<AdmissionCall<T>> = [];
  for (const group of groupAdmissionsByKey(items)) {
    const prefix = slotPrefix.key(group.key.id);
    calls.push({
      side: 'key',
      id: group.key.id,
      items: group.items,
      keys: slotKeys(prefix, keySideSuffixes(group)),
      args: admissionArgs(group, prefix, leaseTtlMs),
    });
  }
  const owners = new Map<string, T[]>();
  for (const item of items) {
    if (!item.owner) continue;
    const list = owners.get(item.owner.userId);
    if (list) list.push(item);
    else owners.set(item.owner.userId, [item]);
  }
  for (const [userId, owned] of owners) {
    // No concurrency, activation or rate window on this side: only the owner's cost limits.
    const prefix = slotPrefix.owner(userId);
    const args: Array<string | number> = [prefix, owned[0]?.at ?? 0, leaseTtlMs];
    args.push(0, 0, 0, 'sliding', 0, 0, 0, owned.length);
    const suffixes: string[] = [...CLAIM_SUFFIXES];
    for (const item of owned) {
      for (const value of item.owner?.args ?? []) args.push(value);
      for (const suffix of item.owner?.limited ?? []) suffixes.push(suffix);
    }
    calls.push({ side: 'owner', id: userId, items: owned, keys: slotKeys(prefix, suffixes), args });
  }
  return calls;
}

export interface KeyAdmissionGroup<T extends PlannedAdmission> {
  key: StoredApiKey;
  items: T[];
}

/**
 * Groups by the key record itself: requests planned against one version of a key share its limits; a key
 * updated between two requests of a turn (a new record) gets a call of its own, each atomic on the slot.
 */
function groupAdmissionsByKey<T extends PlannedAdmission>(
  items: readonly T[],
): Iterable<KeyAdmissionGroup<T>> {
  const groups = new Map<StoredApiKey, KeyAdmissionGroup<T>>();
  for (const item of items) {
    const group = groups.get(item.key);
    if (group) group.items.push(item);
    else groups.set(item.key, { key: item.key, items: [item] });
  }
  return groups.values();
}

/** What a key's call touches besides its lease set: claims, activation, rate window, limited counters. */
function keySideSuffixes<T extends PlannedAdmission>(group: KeyAdmissionGroup<T>): string[] {
  const { key, items } = group;
  const window = key.limits.window;
  const suffixes: string[] = [...CLAIM_SUFFIXES];
  if (key.expiry.kind === 'after-first-use') suffixes.push('activated');
  const at = items[0]?.at ?? 0;
  const windowKeys = window && { ms: window.seconds * 1000, mode: window.mode };
  for (const suffix of windowSuffixes(windowKeys, at)) suffixes.push(suffix);
  for (const item of items) for (const suffix of item.limited) suffixes.push(suffix);
  return suffixes;
}

/** The script's arguments for one key's group: the key's part, then every request's. */
function admissionArgs<T extends PlannedAdmission>(
  group: KeyAdmissionGroup<T>,
  slotPrefix: string,
  leaseTtlMs: number,
): Array<string | number> {
  const { key, items } = group;
  const { limits } = key;
  const window = limits.window;
  const lifetimeMs = key.expiry.kind === 'after-first-use' ? key.expiry.durationSeconds * 1000 : 0;
  // The group's time is its first request's: the turn's requests were planned within the same millisecond or so.
  const args: Array<string | number> = [
    slotPrefix,
    items[0]?.at ?? 0,
    leaseTtlMs,
    limits.concurrency ?? 0,
    lifetimeMs,
    window ? window.seconds * 1000 : 0,
    window?.mode ?? 'sliding',
    window?.requests ?? 0,
    window?.tokens ?? 0,
    window?.costMicros ?? 0,
    items.length,
  ];
  for (const item of items) for (const value of item.args) args.push(value);
  return args;
}

/** What admission-n.lua answered for one request: admitted (with activation, lease, reservation) or why not. */
export type AdmissionOutcome =
  | { admitted: true; leased: boolean; reservedMicros: number }
  | { admitted: false; error: AppError | Error };

export function admissionOutcome(entry: unknown): AdmissionOutcome {
  if (!Array.isArray(entry)) return { admitted: false, error: new Error('Malformed admission reply') };
  if (Number(entry[0]) === 1) {
    return { admitted: true, leased: Number(entry[2]) === 1, reservedMicros: Number(entry[3]) };
  }
  return { admitted: false, error: scriptErrorFromCode(String(entry[1]), String(entry[2])) };
}
