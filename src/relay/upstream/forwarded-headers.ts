// Copies the client headers a provider lets through to its upstream: named ones and whole prefixes (an SDK's
// `x-stainless-*` self-description, Codex's `x-codex-*`). Auth headers are never in a provider's list.
import type { IncomingHttpHeaders } from 'node:http';

export function forwardedHeaders(
  client: IncomingHttpHeaders,
  names: readonly string[],
  prefixes: readonly string[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = client[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (prefixes.length === 0) return headers;
  // Node lower-cases incoming header names, so the prefix test sees every spelling the client used.
  for (const name in client) {
    if (!prefixes.some((prefix) => name.startsWith(prefix))) continue;
    const value = client[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** A header as one string, list values joined. */
export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
