import { afterEach, describe, expect, it } from 'vitest';
import { Deadlines } from '../../src/lib/deadlines.js';

describe('deadlines kept by one timer', () => {
  let deadlines: Deadlines | undefined;
  afterEach(() => deadlines?.close());

  it('expires deadlines in the order set, never a cancelled one, and disarms when none is left', async () => {
    const list = new Deadlines(20);
    deadlines = list;
    const fired: string[] = [];
    const started = performance.now();
    const first = new Promise<void>((resolve) => list.add(() => resolve(void fired.push('first'))));
    const cancelled = list.add(() => fired.push('cancelled'));
    const last = new Promise<void>((resolve) => list.add(() => resolve(void fired.push('last'))));
    list.cancel(cancelled);
    expect(list.size).toBe(2);
    await first;
    // Not before its time, and at most a sweep (a quarter of the length) late, give or take a busy machine.
    expect(performance.now() - started).toBeGreaterThanOrEqual(20);
    await last;
    expect(fired).toEqual(['first', 'last']);
    expect(list.size).toBe(0);
  });

  it('keeps a deadline that was set later running past an earlier one', async () => {
    let clock = 0;
    const list = new Deadlines(100, () => clock);
    deadlines = list;
    const fired: number[] = [];
    const first = new Promise<void>((resolve) => list.add(() => resolve(void fired.push(1))));
    clock = 50;
    const second = new Promise<void>((resolve) => list.add(() => resolve(void fired.push(2))));
    clock = 100;
    // The first is due and the second is not: the sweep that expires the first leaves the second running.
    await first;
    expect(fired).toEqual([1]);
    expect(list.size).toBe(1);
    clock = 150;
    await second;
    expect(fired).toEqual([1, 2]);
  });
});
