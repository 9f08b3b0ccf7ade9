// Text rendering for the admin CLI: aligned tables, key/value blocks, times, money and compact JSON values.

/** Left-aligned columns separated by two spaces; the header is upper-cased. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [headers.map((header) => header.toUpperCase()), ...rows];
  const widths = headers.map((_header, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `label: value` lines with the values aligned; undefined values are left out. */
export function fields(entries: ReadonlyArray<readonly [string, string | undefined]>): string {
  const shown = entries.filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length + 1));
  return shown.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}`).join('\n');
}

export function formatTime(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Integer micro-USD as dollars with all six decimals, computed without floating point. */
export function formatUsd(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const magnitude = Math.abs(Math.trunc(micros));
  const whole = Math.floor(magnitude / 1_000_000);
  const fraction = String(magnitude % 1_000_000).padStart(6, '0');
  return `${sign}$${whole}.${fraction}`;
}

/** Like formatUsd, but without the trailing zeros past the cents: `$10.50`, `$0.0015`. */
export function formatUsdShort(micros: number): string {
  return formatUsd(micros).replace(/(\.\d\d\d*?)0+$/, '$1');
}

/** ISO 8601 wall time in an IANA zone with its offset, e.g. `2026-11-23T00:00:00+01:00`. */
export function formatZonedTime(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((item) => item.type === type)?.value ?? '';
  // `longOffset` says `GMT+01:00`, or plain `GMT` for a zero offset in some ICU versions.
  const offset = part('timeZoneName').replace('GMT', '') || '+00:00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}${offset}`;
}

/**
 * A copy of a JSON-bound value with a `…Usd` string beside every `…Micros` number (`spentMicros` gains
 * `spentUsd`), and `null` for undefined so that every field of the view shows up.
 */
export function withUsdStrings(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(withUsdStrings);
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    result[name] = withUsdStrings(item);
    if (name.endsWith('Micros') && typeof item === 'number') {
      result[`${name.slice(0, -'Micros'.length)}Usd`] = formatUsd(item).replace('$', '');
    }
  }
  return result;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Compact JSON for nested settings in text output; `-` when there is nothing to show. */
export function compact(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(String).join(', ');
  if (typeof value === 'object') return Object.keys(value).length === 0 ? '-' : JSON.stringify(value);
  return String(value);
}

/** The one JSON document `--json` prints. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function writeText(value: string): void {
  if (value !== '') process.stdout.write(`${value}\n`);
}

export function writeError(value: string): void {
  process.stderr.write(`${value}\n`);
}
