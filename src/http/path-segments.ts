// Path segment rules applied before routing: no dot segments, and route parameters that stay one segment.

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * True when the path has a `.` or `..` segment, plain or percent-encoded. Such a path would be resolved
 * somewhere on its way (by the relay's URL handling or the upstream's), reaching another resource than the
 * one routed here, so it is refused rather than normalised.
 */
export function hasDotSegment(path: string): boolean {
  // Relay paths rarely hold either; the segment scan runs only when one does.
  if (!path.includes('/.') && !path.includes('%2')) return false;
  let start = 0;
  while (start <= path.length) {
    let end = path.indexOf('/', start);
    if (end === -1) end = path.length;
    if (end - start <= 6 && end > start && DOT_SEGMENT.test(path.slice(start, end))) return true;
    start = end + 1;
  }
  return false;
}

/**
 * A route parameter taken from one raw path segment, decoded; undefined when it is empty, cannot be decoded,
 * or would stop being exactly one segment once decoded (`/`, `.`, `..`). Callers encode it again
 * (`encodeURIComponent`) when it becomes part of another path.
 */
export function pathParameter(raw: string): string | undefined {
  if (raw === '') return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (decoded.includes('/') || decoded.includes('\\') || decoded === '.' || decoded === '..')
    return undefined;
  return decoded;
}
