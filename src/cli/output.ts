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

export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function writeText(value: string): void {
  if (value !== '') process.stdout.write(`${value}\n`);
}

export function writeError(value: string): void {
  process.stderr.write(`${value}\n`);
}
