import { arrivalRates, growth, percentile } from '../../bench/lib/stats.js';
import { meets, notRun, num, ratio, renderTable } from '../../bench/lib/table.js';

describe('bench table', () => {
  it('renders rows as Markdown with the ratio, the goal and whether it is met', () => {
    const table = renderTable([
      { stage: 'relay', ours: '1,500/s', baseline: '3,000/s', value: 0.5, goal: { op: '>=', value: 0.5 } },
      { stage: 'calls | per change', ours: '2', baseline: '1', value: 2, goal: { op: '<=', value: 1, text: '1.0' } },
      { stage: 'peak RSS', ours: '180 MiB', baseline: '—' },
      notRun('backfill', 'deadline', { op: '<=', value: 3 }),
    ]);
    expect(table.split('\n')).toEqual([
      '| stage | ours | baseline | ratio | goal | met |',
      '| --- | --- | --- | --- | --- | --- |',
      '| relay | 1,500/s | 3,000/s | 0.5 | ≥ 0.5 | ✓ |',
      '| calls \\| per change | 2 | 1 | 2 | 1.0 | ✗ |',
      '| peak RSS | 180 MiB | — | — | — | — |',
      '| backfill | not measured: deadline | — | — | ≤ 3 | — |',
    ]);
  });

  it('formats numbers for people and compares with goals', () => {
    expect([num(12345.6), num(99.94), num(12.34), num(0.4567), num(0), num(0.004)]).toEqual([
      '12,346',
      '99.9',
      '12.3',
      '0.46',
      '0',
      '0.0040',
    ]);
    expect(ratio(1, 0)).toBeNaN();
    expect(meets(NaN, { op: '<=', value: 1 })).toBe(false);
    expect(meets(49.9, { op: '<', value: 50 })).toBe(true);
    expect(meets(50, { op: '<', value: 50 })).toBe(false);
  });
});

describe('bench stats', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(xs, 50), percentile(xs, 99), percentile(xs, 100), percentile([], 50)]).toEqual([50, 99, 100, 0]);
  });

  it('finds the sustained rate of a backlog and its peak one-second window from arrival times', () => {
    // 50/s for 10 s (one call every 20 ms), with a burst of 30 more calls within 100 ms at 5 s.
    const steady = Array.from({ length: 500 }, (_, i) => i * 20);
    const burst = Array.from({ length: 30 }, (_, i) => 5000 + i * 3);
    expect(arrivalRates(steady)).toEqual({ sustained: 50, peak: 50, peakAfterMs: 0 });
    const { sustained, peak } = arrivalRates([...burst, ...steady].reverse());
    expect(sustained).toBe(50); // the median window does not see the burst
    expect(peak).toBe(80);
    expect(arrivalRates([1])).toEqual({ sustained: 0, peak: 0, peakAfterMs: 0 });
  });

  it('calls a flat series flat and a growing one growing', () => {
    expect(growth([100, 101, 99, 100, 102, 100])).toBeCloseTo(1, 1);
    expect(growth([100, 100, 150, 150, 200, 200])).toBe(2);
  });
});
