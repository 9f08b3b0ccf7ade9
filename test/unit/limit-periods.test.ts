import { describe, expect, it } from 'vitest';
import { LimitCalendar } from '../../src/services/admission/limit-periods.js';

describe('limit periods', () => {
  it('names UTC periods and their ends, weeks starting on Monday by default', () => {
    const periods = new LimitCalendar().periodsAt(Date.parse('2026-11-22T10:15:00Z')); // a Sunday
    expect(periods).toEqual({
      day: '2026-11-22',
      week: '2026-11-16',
      month: '2026-11',
      dayEndsAt: Date.parse('2026-11-23T00:00:00Z'),
      weekEndsAt: Date.parse('2026-11-23T00:00:00Z'),
      monthEndsAt: Date.parse('2026-12-01T00:00:00Z'),
    });
  });

  it('uses the configured zone and week start', () => {
    const calendar = new LimitCalendar('America/New_York', 'sunday');
    // 03:00 UTC on Nov 22 is still Nov 21 (Saturday) in New York (UTC-5).
    const periods = calendar.periodsAt(Date.parse('2026-11-22T03:00:00Z'));
    expect(periods.day).toBe('2026-11-21');
    expect(periods.week).toBe('2026-11-15');
    expect(periods.dayEndsAt).toBe(Date.parse('2026-11-22T05:00:00Z'));
    expect(periods.weekEndsAt).toBe(Date.parse('2026-11-22T05:00:00Z'));
  });

  it('ends a day correctly across a daylight-saving change', () => {
    const calendar = new LimitCalendar('Europe/Berlin');
    // 2026-03-29 is 23 hours long in Berlin; the next midnight is at 22:00 UTC.
    const periods = calendar.periodsAt(Date.parse('2026-03-29T12:00:00Z'));
    expect(periods.day).toBe('2026-03-29');
    expect(periods.dayEndsAt).toBe(Date.parse('2026-03-29T22:00:00Z'));
    expect(calendar.periodsAt(Date.parse('2026-03-29T22:00:00Z')).day).toBe('2026-03-30');
  });

  it('moves to the next period exactly at its boundary, even from a cached value', () => {
    const calendar = new LimitCalendar('Asia/Tokyo');
    const before = calendar.periodsAt(Date.parse('2026-11-30T14:59:59Z'));
    expect(before.month).toBe('2026-11');
    const after = calendar.periodsAt(Date.parse('2026-11-30T15:00:00Z'));
    expect(after.day).toBe('2026-12-01');
    expect(after.month).toBe('2026-12');
    // Going back in time must not reuse a later cached period.
    expect(calendar.periodsAt(Date.parse('2026-11-29T12:00:00Z')).day).toBe('2026-11-29');
  });

  it('refuses an unknown time zone', () => {
    expect(() => new LimitCalendar('Mars/Olympus')).toThrow(RangeError);
  });
});
