// Byte-level scanning of a JSON object's top level: where each field's value starts and ends, without parsing
// or re-serialising. UTF-8 multi-byte sequences never contain ASCII bytes, so scanning bytes is safe.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

export interface ValueRange {
  start: number;
  /** Index just past the value. */
  end: number;
}

export function skipWhitespace(bytes: Buffer, start: number): number {
  let index = start;
  while (index < bytes.length) {
    const byte = bytes[index];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    index += 1;
  }
  return index;
}

/** Index just past the string starting (with its quote) at `start`, or -1. */
export function skipString(bytes: Buffer, start: number): number {
  for (let index = start + 1; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (byte === BACKSLASH) index += 1;
    else if (byte === QUOTE) return index + 1;
  }
  return -1;
}

/** Index just past the value starting at `start` (string, object, array, number, literal), or -1. */
export function skipValue(bytes: Buffer, start: number): number {
  const first = bytes[start];
  if (first === QUOTE) return skipString(bytes, start);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let index = start; index < bytes.length; index += 1) {
      const byte = bytes[index];
      if (byte === QUOTE) {
        index = skipString(bytes, index) - 1;
        if (index < 0) return -1;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        depth += 1;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth -= 1;
        if (depth === 0) return index + 1;
      }
    }
    return -1;
  }
  let index = start;
  while (index < bytes.length) {
    const byte = bytes[index];
    if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || byte === 0x20 || byte === 0x0a)
      break;
    index += 1;
  }
  return index > start ? index : -1;
}

/** The value ranges of the named top-level fields of a JSON object (absent names are missing; of duplicates, the last). */
export function topLevelFields(json: Buffer, names: readonly string[]): Map<string, ValueRange> {
  const found = new Map<string, ValueRange>();
  for (const member of topLevelMembers(json) ?? []) {
    if (names.includes(member.name)) found.set(member.name, { start: member.valueStart, end: member.end });
  }
  return found;
}

export interface JsonMember {
  /** The member's name with JSON escapes resolved. */
  name: string;
  /** Index of the opening quote of the name. */
  start: number;
  /** Index of the value's first byte. */
  valueStart: number;
  /** Index just past the value, so `json.subarray(start, end)` is `"name": value`. */
  end: number;
}

/**
 * The members of the JSON object in `json`, in order (duplicates included), or undefined when `json` is not a
 * single object. Values are skipped by structure, not validated: the upstream validates them.
 */
export function topLevelMembers(json: Buffer): JsonMember[] | undefined {
  let index = skipWhitespace(json, 0);
  if (json[index] !== OPEN_BRACE) return undefined;
  const members: JsonMember[] = [];
  index = skipWhitespace(json, index + 1);
  if (json[index] === CLOSE_BRACE) return atEnd(json, index + 1) ? members : undefined;
  for (;;) {
    if (json[index] !== QUOTE) return undefined;
    const keyEnd = skipString(json, index);
    if (keyEnd === -1) return undefined;
    const name = memberName(json, index, keyEnd);
    if (name === undefined) return undefined;
    const colon = skipWhitespace(json, keyEnd);
    if (json[colon] !== COLON) return undefined;
    const valueStart = skipWhitespace(json, colon + 1);
    const valueEnd = skipValue(json, valueStart);
    if (valueEnd === -1) return undefined;
    members.push({ name, start: index, valueStart, end: valueEnd });
    const next = skipWhitespace(json, valueEnd);
    if (json[next] === CLOSE_BRACE) return atEnd(json, next + 1) ? members : undefined;
    if (json[next] !== COMMA) return undefined;
    index = skipWhitespace(json, next + 1);
  }
}

function atEnd(json: Buffer, index: number): boolean {
  return skipWhitespace(json, index) === json.length;
}

function memberName(json: Buffer, start: number, end: number): string | undefined {
  // Names almost never contain escapes; only those few go through JSON.parse (a name, not the body).
  if (!json.subarray(start, end).includes(BACKSLASH)) return json.toString('utf8', start + 1, end - 1);
  try {
    const name: unknown = JSON.parse(json.toString('utf8', start, end));
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The range of an array value's first element (the array's own range given), if it has one. */
export function firstElement(json: Buffer, array: ValueRange): ValueRange | undefined {
  if (json[array.start] !== OPEN_BRACKET) return undefined;
  const start = skipWhitespace(json, array.start + 1);
  if (json[start] === CLOSE_BRACKET) return undefined;
  const end = skipValue(json, start);
  return end === -1 ? undefined : { start, end };
}
