// A CRS key's spend so far, read where CRS keeps it (redis.js incrementDailyCost / incrementWeeklyOpusCost):
// `usage:cost:total:{id}`, `usage:cost:daily:{id}:{YYYY-MM-DD}`, `usage:cost:monthly:{id}:{YYYY-MM}` and
// `usage:opus:weekly:{id}:{period}`, in US dollars, dated in CRS's zone: UTC + TIMEZONE_OFFSET hours (8 unless
// set; 0 also means 8 there). Brought over, it lets the key's limits keep counting from where they were.
import { crsMicros, crsNumber } from './crs-fields.js';
import type { CrsSource } from './crs-source.js';

export interface CrsKeySpend {
  totalMicros: number;
  todayMicros: number;
  monthMicros: number;
  opusWeekMicros: number;
  requests: number;
  tokens: number;
}

const HOUR = 3_600_000;

function zoned(at: number, offsetHours: number): Date {
  return new Date(at + offsetHours * HOUR);
}

const pad = (value: number) => String(value).padStart(2, '0');

export function crsDay(at: number, offsetHours: number): string {
  const date = zoned(at, offsetHours);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

export function crsMonth(at: number, offsetHours: number): string {
  const date = zoned(at, offsetHours);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}`;
}

/** redis.js getPeriodString: the start of the key's weekly period, `YYYY-MM-DDTHH` (1 = Monday … 7 = Sunday). */
export function crsWeekPeriod(at: number, offsetHours: number, resetDay: number, resetHour: number): string {
  const local = zoned(at, offsetHours);
  const weekday = local.getUTCDay() || 7;
  let daysSince = (weekday - resetDay + 7) % 7;
  if (daysSince === 0 && local.getUTCHours() < resetHour) daysSince = 7;
  const start = new Date(local);
  start.setUTCDate(local.getUTCDate() - daysSince);
  start.setUTCHours(resetHour, 0, 0, 0);
  return `${crsDay(start.getTime(), 0)}T${pad(start.getUTCHours())}`;
}

export async function readKeySpend(
  source: CrsSource,
  keyId: string,
  fields: Record<string, string | undefined>,
  at: number,
  offsetHours: number,
): Promise<CrsKeySpend> {
  const resetDay = crsNumber(fields.weeklyResetDay) || 1;
  const resetHour = crsNumber(fields.weeklyResetHour) ?? 0;
  const [total, today, month, opus] = await source.strings([
    `usage:cost:total:${keyId}`,
    `usage:cost:daily:${keyId}:${crsDay(at, offsetHours)}`,
    `usage:cost:monthly:${keyId}:${crsMonth(at, offsetHours)}`,
    `usage:opus:weekly:${keyId}:${crsWeekPeriod(at, offsetHours, resetDay, resetHour)}`,
  ]);
  const totals = (await source.hash(`usage:${keyId}`)) ?? {};
  return {
    totalMicros: crsMicros(total),
    todayMicros: crsMicros(today),
    monthMicros: crsMicros(month),
    opusWeekMicros: crsMicros(opus),
    requests: crsNumber(totals.totalRequests) ?? 0,
    tokens: crsNumber(totals.totalAllTokens) ?? crsNumber(totals.totalTokens) ?? 0,
  };
}
