// How the pages write numbers and times: costs from micro-dollars, token counts, durations, dates.

export function formatCost(micros: number | null | undefined): string {
  if (micros == null) return '—';
  const dollars = micros / 1_000_000;
  if (dollars !== 0 && Math.abs(dollars) < 0.01) return `$${dollars.toFixed(4)}`;
  return `$${dollars.toFixed(2)}`;
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat();

export function formatCount(value: number | null | undefined): string {
  if (value == null) return '—';
  return Math.abs(value) >= 100_000 ? compact.format(value) : whole.format(value);
}

export function formatMs(value: number | null | undefined): string {
  if (value == null) return '—';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** A period in its largest whole unit: 86400 → "1 d", 300 → "5 min". */
export function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(value: string | number | null | undefined): string {
  if (value == null) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : dateTime.format(date);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "in 3 hours", "5 minutes ago": resets and expiries read better relative to now. */
export function formatRelative(value: string | number | null | undefined, now = Date.now()): string {
  if (value == null) return '—';
  const ms = new Date(value).getTime() - now;
  if (Number.isNaN(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs < 60_000) return relative.format(Math.round(ms / 1000), 'second');
  if (abs < 3_600_000) return relative.format(Math.round(ms / 60_000), 'minute');
  if (abs < 86_400_000) return relative.format(Math.round(ms / 3_600_000), 'hour');
  return relative.format(Math.round(ms / 86_400_000), 'day');
}

/** Dollars typed in a form → the API's micro-dollars; empty → undefined (no limit). */
export function dollarsToMicros(value: string | number | undefined | null): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? Math.round(number * 1_000_000) : undefined;
}
