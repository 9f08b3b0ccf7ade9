// Finds the relay key in a request: x-api-key, Bearer, x-goog-api-key, api-key or ?key= (DESIGN §3 order).
import type { IncomingHttpHeaders } from 'node:http';

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function bearer(value: string | string[] | undefined): string | undefined {
  const text = single(value);
  if (!text) return undefined;
  const match = /^bearer\s+(.+)$/i.exec(text);
  return match?.[1]?.trim() || undefined;
}

function queryKey(query: string): string | undefined {
  if (!query.includes('key=')) return undefined;
  return new URLSearchParams(query).get('key')?.trim() || undefined;
}

/**
 * Claude Code may send both `x-api-key` and a bearer token (one of them an unrelated credential), so the
 * candidate carrying the relay key prefix wins; otherwise the first non-empty one in the documented order.
 */
export function extractRelayKey(
  headers: IncomingHttpHeaders,
  query: string,
  prefix: string,
): string | undefined {
  const candidates = [
    single(headers['x-api-key']),
    bearer(headers.authorization),
    single(headers['x-goog-api-key']),
    single(headers['api-key']),
    queryKey(query),
  ];
  let first: string | undefined;
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    if (candidate.startsWith(prefix)) return candidate;
    first ??= candidate;
  }
  return first;
}
