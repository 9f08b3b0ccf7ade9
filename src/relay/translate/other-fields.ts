// Every translator reads the fields it knows and must account for the rest of a client's request: a field
// that only tunes how the provider serves it is kept as a hint; any other is a feature with no canonical
// field, which a translation refuses by name rather than drop.
import type { UnsupportedFeature } from '../canonical/request.js';

export interface OtherFields {
  hints: Record<string, unknown>;
  unsupported: UnsupportedFeature[];
}

/**
 * Sorts `body`'s top-level fields other than `read`: `hints` names become hints; the rest are unsupported unless
 * `harmless` says their value changes nothing (a default spelled out). Absent and null fields say nothing.
 */
export function sortOtherFields(
  body: Record<string, unknown>,
  read: ReadonlySet<string>,
  hints: ReadonlySet<string>,
  harmless?: (name: string, value: unknown) => boolean,
): OtherFields {
  const sorted: OtherFields = { hints: {}, unsupported: [] };
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    if (hints.has(name)) sorted.hints[name] = value;
    else if (!read.has(name) && !harmless?.(name, value)) sorted.unsupported.push({ feature: name, value });
  }
  return sorted;
}
