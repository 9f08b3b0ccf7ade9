// Rollup period names (UTC): hour `2026-11-22T13`, day `2026-11-22`, month `2026-11`.
import type { Granularity } from '../redis/keys.js';

export function periodOf(granularity: Granularity, at: number): string {
  const iso = new Date(at).toISOString();
  switch (granularity) {
    case 'hour':
      return iso.slice(0, 13);
    case 'day':
      return iso.slice(0, 10);
    case 'month':
      return iso.slice(0, 7);
  }
}

/** Every day from `from` to `to` inclusive, as `YYYY-MM-DD`. Refuses ranges over `maxDays`. */
export function daysBetween(from: string, to: string, maxDays = 400): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) {
    throw new RangeError(`invalid day range ${from}..${to}`);
  }
  const days: string[] = [];
  for (let at = start; at <= end; at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
    if (days.length > maxDays) throw new RangeError(`day range longer than ${maxDays} days`);
  }
  return days;
}
