// Day, week and month of an instant in the configured IANA time zone, with the instant each one ends.
// Spend limits count in these periods; they change only at boundaries, so the current ones are cached.

import { WEEKDAYS, type Weekday } from '../../lib/weekdays.js';

export interface LimitPeriods {
  /** `2026-11-22` */
  day: string;
  /** The local date the week started, `2026-11-16`. */
  week: string;
  /** `2026-11` */
  month: string;
  /** Ms since the epoch when each period ends (the next one starts). */
  dayEndsAt: number;
  weekEndsAt: number;
  monthEndsAt: number;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

export class LimitCalendar {
  private readonly format: Intl.DateTimeFormat;
  private readonly weekStart: number;
  private cached: { periods: LimitPeriods; dayStartsAt: number } | undefined;

  constructor(
    readonly timeZone = 'UTC',
    weekStart: Weekday = 'monday',
  ) {
    // Throws RangeError for an unknown zone: config validation relies on it.
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    this.weekStart = WEEKDAYS.indexOf(weekStart);
  }

  /** The periods containing `at`; computed once per local day, not per request. */
  periodsAt(at: number): LimitPeriods {
    const cached = this.cached;
    if (cached && at >= cached.dayStartsAt && at < cached.periods.dayEndsAt) return cached.periods;
    const wall = this.wall(at);
    const periods = this.compute(wall);
    this.cached = { periods, dayStartsAt: this.instantOfMidnight(wall) };
    return periods;
  }

  private compute(wall: WallTime): LimitPeriods {
    const day = dateText(wall.year, wall.month, wall.day);
    const back = (wall.weekday - this.weekStart + 7) % 7;
    const weekStart = civil(wall.year, wall.month, wall.day - back);
    const nextDay = civil(wall.year, wall.month, wall.day + 1);
    const nextWeek = civil(weekStart.year, weekStart.month, weekStart.day + 7);
    const nextMonth = civil(wall.year, wall.month + 1, 1);
    return {
      day,
      week: dateText(weekStart.year, weekStart.month, weekStart.day),
      month: day.slice(0, 7),
      dayEndsAt: this.instantOfMidnight(nextDay),
      weekEndsAt: this.instantOfMidnight(nextWeek),
      monthEndsAt: this.instantOfMidnight(nextMonth),
    };
  }

  private wall(at: number): WallTime {
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(new Date(at))) parts[part.type] = part.value;
    return {
      year: Number(parts.year),
      month: Number(parts.month),
      day: Number(parts.day),
      hour: Number(parts.hour),
      minute: Number(parts.minute),
      second: Number(parts.second),
      weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? ''),
    };
  }

  /** The instant local midnight starts on a civil date; offset changes (DST) are settled by iterating. */
  private instantOfMidnight(date: { year: number; month: number; day: number }): number {
    const target = Date.UTC(date.year, date.month - 1, date.day);
    let guess = target;
    for (let round = 0; round < 3; round += 1) {
      const wall = this.wall(guess);
      const shown = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
      const error = shown - target;
      if (error === 0) return guess;
      guess -= error;
    }
    return guess;
  }
}

function civil(year: number, month: number, day: number): { year: number; month: number; day: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function dateText(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
