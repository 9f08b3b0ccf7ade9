// Replaces one top-level string field of a JSON object in its raw bytes, leaving every other byte untouched.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;

/** Index just past the string that starts (with its quote) at `start`. */
function skipString(bytes: Buffer, start: number): number {
  for (let index = start + 1; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (byte === BACKSLASH) index += 1;
    else if (byte === QUOTE) return index + 1;
  }
  return -1;
}

function skipWhitespace(bytes: Buffer, start: number): number {
  let index = start;
  while (index < bytes.length) {
    const byte = bytes[index];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    index += 1;
  }
  return index;
}

/**
 * Returns a copy of `json` with the top-level string field `name` set to `value`, or undefined if that field is
 * not a top-level string. UTF-8 multi-byte sequences never contain ASCII bytes, so scanning bytes is safe.
 * Re-serialising the whole body instead would cost time on 100 KB bodies and could change bytes clients
 * rely on (key order, number formatting, escapes).
 */
export function spliceTopLevelString(json: Buffer, name: string, value: string): Buffer | undefined {
  const wanted = Buffer.from(JSON.stringify(name));
  let depth = 0;
  let expectKey = false;
  for (let index = 0; index < json.length; index += 1) {
    const byte = json[index];
    if (byte === QUOTE) {
      const end = skipString(json, index);
      if (end === -1) return undefined;
      if (depth === 1 && expectKey) {
        const afterKey = skipWhitespace(json, end);
        if (json[afterKey] !== COLON) return undefined;
        if (end - index === wanted.length && json.subarray(index, end).equals(wanted)) {
          const valueStart = skipWhitespace(json, afterKey + 1);
          if (json[valueStart] !== QUOTE) return undefined;
          const valueEnd = skipString(json, valueStart);
          if (valueEnd === -1) return undefined;
          return Buffer.concat([
            json.subarray(0, valueStart),
            Buffer.from(JSON.stringify(value)),
            json.subarray(valueEnd),
          ]);
        }
        expectKey = false;
        index = afterKey;
        continue;
      }
      index = end - 1;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      expectKey = depth === 1 && byte === OPEN_BRACE;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    } else if (byte === 0x2c && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}
