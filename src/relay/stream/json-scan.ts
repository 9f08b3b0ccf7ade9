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

/** The value ranges of the named top-level fields of a JSON object (absent names are missing). */
export function topLevelFields(json: Buffer, names: readonly string[]): Map<string, ValueRange> {
  const wanted = new Map(names.map((name) => [JSON.stringify(name), name]));
  const found = new Map<string, ValueRange>();
  let index = skipWhitespace(json, 0);
  if (json[index] !== OPEN_BRACE) return found;
  index = skipWhitespace(json, index + 1);
  while (index < json.length && json[index] === QUOTE) {
    const keyEnd = skipString(json, index);
    if (keyEnd === -1) return found;
    const name = wanted.get(json.toString('utf8', index, keyEnd));
    const colon = skipWhitespace(json, keyEnd);
    if (json[colon] !== COLON) return found;
    const valueStart = skipWhitespace(json, colon + 1);
    const valueEnd = skipValue(json, valueStart);
    if (valueEnd === -1) return found;
    if (name !== undefined) found.set(name, { start: valueStart, end: valueEnd });
    const next = skipWhitespace(json, valueEnd);
    if (json[next] !== COMMA) return found;
    index = skipWhitespace(json, next + 1);
  }
  return found;
}

/** The range of an array value's first element (the array's own range given), if it has one. */
export function firstElement(json: Buffer, array: ValueRange): ValueRange | undefined {
  if (json[array.start] !== OPEN_BRACKET) return undefined;
  const start = skipWhitespace(json, array.start + 1);
  if (json[start] === CLOSE_BRACKET) return undefined;
  const end = skipValue(json, start);
  return end === -1 ? undefined : { start, end };
}
