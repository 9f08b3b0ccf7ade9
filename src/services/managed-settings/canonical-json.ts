// Claude Code's managed-settings checksum: `sha256:` + the hex SHA-256 of the settings as JSON with keys sorted
// at every level and no whitespace. The client computes it over what it holds and sends it as If-None-Match,
// so the relay must compute exactly the same.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function settingsChecksum(settings: Record<string, unknown>): string {
  return `sha256:${createHash('sha256').update(canonicalJson(settings)).digest('hex')}`;
}
