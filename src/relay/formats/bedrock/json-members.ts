// Byte ranges of every top-level member of a JSON object, so members can be dropped or added without
// parsing or re-serialising the (possibly 100 KB+) body.
import { skipString, skipValue, skipWhitespace } from '../../stream/json-scan.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COLON = 0x3a;
const COMMA = 0x2c;

export interface JsonMember {
  /** The member's name with JSON escapes resolved. */
  name: string;
  /** Index of the opening quote of the name. */
  start: number;
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
    const valueEnd = skipValue(json, skipWhitespace(json, colon + 1));
    if (valueEnd === -1) return undefined;
    members.push({ name, start: index, end: valueEnd });
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
