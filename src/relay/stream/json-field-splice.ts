// Replaces one top-level string field of a JSON object in its raw bytes, leaving every other byte untouched.
import { topLevelFields } from './json-scan.js';

/**
 * Returns a copy of `json` with the top-level string field `name` set to `value`, or undefined if that field is
 * not a top-level string. Re-serialising the whole body instead would cost time on 100 KB bodies and could
 * change bytes clients rely on (key order, number formatting, escapes).
 */
export function spliceTopLevelString(json: Buffer, name: string, value: string): Buffer | undefined {
  const range = topLevelFields(json, [name]).get(name);
  if (!range || json[range.start] !== 0x22) return undefined;
  return Buffer.concat([
    json.subarray(0, range.start),
    Buffer.from(JSON.stringify(value)),
    json.subarray(range.end),
  ]);
}
