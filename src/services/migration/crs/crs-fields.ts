// Reading Claude Relay Service's Redis hashes, where every value is a string: booleans as 'true'/'false',
// numbers as decimal text, lists and objects as JSON, times as ISO strings (some as epoch ms), unset as ''.

/** One CRS record as HGETALL returns it. */
export type CrsFields = Record<string, string | undefined>;

/** What a key binding of CRS points at: an account of a kind, or an account group. */
export type CrsBindingTarget = { kind: string; accountId: string } | { groupId: string };

/** CRS writes String(bool); older records and the admin UI may hold real booleans' text in either case. */
export function crsBool(value: string | undefined, fallback = false): boolean {
  if (value === undefined || value === '') return fallback;
  return value.toLowerCase() === 'true';
}

/** A finite number, or undefined for '' / missing / text that is not one. */
export function crsNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** US dollars as CRS stores them (a float) → integer micro-USD, the unit of every amount here. */
export function crsMicros(value: string | undefined): number {
  const dollars = crsNumber(value);
  return dollars === undefined || dollars <= 0 ? 0 : Math.round(dollars * 1_000_000);
}

/** An ISO date, or epoch milliseconds / seconds as text → ms since the epoch. */
export function crsTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) {
    const number = Number(value);
    // Ten digits or fewer is seconds (until 2286).
    return number < 1e11 ? number * 1000 : number;
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** JSON CRS stored as text; unreadable JSON is noted (naming the field) and read as absent. */
export function crsJson(value: string | undefined, notes: string[], field: string): unknown {
  if (value === undefined || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    notes.push(`${field} is not valid JSON; left out`);
    return undefined;
  }
}
