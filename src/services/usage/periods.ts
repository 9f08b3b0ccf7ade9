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

/** The most points one series may have: a month of hours, a year and a bit of days, five years of months. */
export const MAX_PERIODS: Record<Granularity, number> = { hour: 744, day: 400, month: 60 };

/**
 * Every period of `granularity` that overlaps [from, to] (ms since the epoch), oldest first, with the time
 * each starts. Refuses ranges with more than MAX_PERIODS points.
 */
export function periodsBetween(
  granularity: Granularity,
  from: number,
  to: number,
): Array<{ period: string; start: number }> {
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
    throw new RangeError('`to` must not be before `from`');
  }
  const periods: Array<{ period: string; start: number }> = [];
  for (let start = startOf(granularity, from); start <= to; start = nextStart(granularity, start)) {
    periods.push({ period: periodOf(granularity, start), start });
    if (periods.length > MAX_PERIODS[granularity]) {
      throw new RangeError(`the range spans more than ${MAX_PERIODS[granularity]} ${granularity}s`);
    }
  }
  return periods;
}

function startOf(granularity: Granularity, at: number): number {
  const date = new Date(at);
  switch (granularity) {
    case 'hour':
      return at - (at % 3_600_000);
    case 'day':
      return at - (at % 86_400_000);
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
}

function nextStart(granularity: Granularity, start: number): number {
  const date = new Date(start);
  switch (granularity) {
    case 'hour':
      return start + 3_600_000;
    case 'day':
      return start + 86_400_000;
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
}
