// The keys of an API key's slot (or an owner's) that the admission, settle and reconcile scripts touch. Each
// call declares all of them in KEYS, which is all a Redis Cluster checks before running a script (see
// redis/scripts/includes/declared-keys.lua); the scripts find them by their names after the slot prefix.

/** Kept under every claim: the claim records, their expiry set and the reservations hash. */
export const CLAIM_SUFFIXES = ['claims', 'claims-exp', 'reserved'] as const;

/** The lease set: KEYS[1] of admission and settle. */
export const LEASES_SUFFIX = 'leases';

/**
 * The rate window's keys at `now` (includes/rate-window.lua): the current fixed window's counters, or the
 * sliding window's buckets and their index.
 */
export function windowSuffixes(
  window: { ms: number; mode: 'sliding' | 'fixed' } | undefined,
  now: number,
): string[] {
  if (!window) return [];
  return window.mode === 'fixed' ? [`rw:${now - (now % window.ms)}`] : ['rs', 'rsb'];
}

/** Full key names for suffixes in one slot, the lease set first. */
export function slotKeys(prefix: string, suffixes: Iterable<string>): string[] {
  const names = [`${prefix}${LEASES_SUFFIX}`];
  for (const suffix of new Set(suffixes)) if (suffix !== LEASES_SUFFIX) names.push(`${prefix}${suffix}`);
  return names;
}
