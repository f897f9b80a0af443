import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, quantile, summarize } from './statistics.js';

describe('statistics', () => {
  it('median of odd and even counts, unsorted input', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('summarize: an outlier moves max but not the median', () => {
    const s = summarize([10, 11, 9, 10, 1000]);
    expect(s).toMatchObject({ median: 10, q1: 10, q3: 11, min: 9, max: 1000, samples: 5 });
    expect(s.spreadPct).toBeCloseTo(10); // IQR 1 over median 10
  });

  it('property: quantiles are monotonic and bounded by min and max', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }), (values) => {
        const q25 = quantile(values, 0.25);
        const q50 = quantile(values, 0.5);
        const q75 = quantile(values, 0.75);
        expect(q25).toBeLessThanOrEqual(q50 + 1e-9);
        expect(q50).toBeLessThanOrEqual(q75 + 1e-9);
        expect(q25).toBeGreaterThanOrEqual(Math.min(...values) - 1e-9);
        expect(q75).toBeLessThanOrEqual(Math.max(...values) + 1e-9);
      }),
    );
  });
});
