// Reading values out of parsed vendor JSON without trusting its shape, shared by every format's usage reader and
// stream tap: a wrong type reads as absent, never as an exception.

/** A non-negative finite number, floored; undefined for anything else. */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

/** A plain object; undefined for arrays, null and everything else. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A field of an object; undefined when the value is not one. */
export function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The parsed event data, or undefined when it is not JSON (taps skip junk rather than fail a stream). */
export function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
