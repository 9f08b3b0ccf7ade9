// Window statistics for alert rules: counts and errors within the window only, p95 as the bound of its bin,
// subjects forgotten once their traffic has left the window.
import { describe, expect, it } from 'vitest';
import { WindowStats } from '../../src/services/alerts/window-stats.js';

describe('window stats', () => {
  it('sums what is inside the window and forgets what left it', () => {
    const stats = new WindowStats(60_000);
    const start = 1_000_000;
    for (let index = 0; index < 10; index += 1) stats.add('a', start + index * 1000, index < 3, 100);
    stats.add('b', start, false, 100);
    expect(stats.summaries(start + 10_000).get('a')).toEqual({ requests: 10, errors: 3, p95Ms: 100 });
    // A minute later the first seconds are out, and b with them.
    const later = stats.summaries(start + 65_000);
    expect(later.get('a')?.requests).toBeLessThan(10);
    expect(later.has('b')).toBe(false);
    expect(stats.summaries(start + 200_000).size).toBe(0);
  });

  it('reports p95 as the upper bound of the bin holding the 95th percentile', () => {
    const stats = new WindowStats(60_000);
    for (let index = 0; index < 94; index += 1) stats.add('all', 0, false, 80);
    for (let index = 0; index < 6; index += 1) stats.add('all', 0, false, 9000);
    expect(stats.summaries(1).get('all')?.p95Ms).toBe(10_000);
    const calm = new WindowStats(60_000);
    for (let index = 0; index < 100; index += 1) calm.add('all', 0, false, index < 96 ? 80 : 9000);
    expect(calm.summaries(1).get('all')?.p95Ms).toBe(100);
  });
});
