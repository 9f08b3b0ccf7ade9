// Finds the last `"<name>": { … }` object in a JSON text without parsing the whole document.

/**
 * Providers put `usage` after the content in a JSON response, so the last occurrence of the key is the
 * top-level one. A key inside a string value is preceded by a backslash-escaped quote and is skipped; the
 * caller validates what it gets back and falls back to a full parse when this returns undefined.
 */
export function lastObjectField(json: string, name: string): unknown {
  const needle = `"${name}"`;
  let at = json.lastIndexOf(needle);
  while (at > 0 && json.charCodeAt(at - 1) === 92) at = json.lastIndexOf(needle, at - 1);
  if (at === -1) return undefined;
  let index = at + needle.length;
  while (isSpace(json.charCodeAt(index))) index += 1;
  if (json.charCodeAt(index) !== 58) return undefined; // ':'
  index += 1;
  while (isSpace(json.charCodeAt(index))) index += 1;
  if (json.charCodeAt(index) !== 123) return undefined; // '{'
  const end = matchingBrace(json, index);
  if (end === -1) return undefined;
  try {
    return JSON.parse(json.slice(index, end + 1));
  } catch {
    return undefined;
  }
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/** Index of the `}` closing the `{` at `start`, honouring strings and escapes; -1 if unbalanced. */
function matchingBrace(json: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < json.length; index += 1) {
    const code = json.charCodeAt(index);
    if (inString) {
      if (code === 92) index += 1;
      else if (code === 34) inString = false;
    } else if (code === 34) {
      inString = true;
    } else if (code === 123) {
      depth += 1;
    } else if (code === 125) {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}
