import { describe, expect, it } from 'vitest';
import type { BenchCase } from './harness.js';
import {
  attachRatios,
  type CaseResult,
  quickRunOptions,
  runCase,
  runSuite,
  selectCases,
  TIME_UNIT,
  withinLimit,
} from './runner.js';

function spin(microseconds: number): void {
  const end = performance.now() + microseconds / 1000;
  while (performance.now() < end) {
    // busy: a case with a known cost
  }
}

describe('runCase', () => {
  it('times a sync fn: per-op time near its real cost, ops/s its inverse', async () => {
    const result = await runCase('t', { name: 'spin 200us', fn: () => spin(200) }, quickRunOptions);
    expect(result.unit).toBe(TIME_UNIT);
    expect(result.value).toBeGreaterThanOrEqual(190);
    expect(result.opsPerSec).toBeCloseTo(1e6 / result.value);
    expect(result.samples).toBe(quickRunOptions.samples);
  });

  it('with a baseline, samples both alternately and reports the median time ratio', async () => {
    const result = await runCase(
      't',
      { name: 'spin 300us', fn: () => spin(300), baseline: 'b' },
      quickRunOptions,
      () => spin(100),
    );
    // Only what load cannot change: a spin never takes less than its length. The ratio of medians under
    // load is a measurement, not something a test can pin down.
    expect(result.value).toBeGreaterThanOrEqual(290);
    expect(result.pairedBaseline).toBeGreaterThanOrEqual(95);
    expect(result.ratio).toBeGreaterThan(0);
    // The ratio's quartiles bracket it: the spread of the per-pair ratios, not of either side alone.
    expect(result.ratioQ1).toBeLessThanOrEqual(result.ratio!);
    expect(result.ratioQ3).toBeGreaterThanOrEqual(result.ratio!);
    expect(Number.isFinite(result.ratio)).toBe(true);
  });

  it('awaits async fns', async () => {
    const result = await runCase(
      't',
      { name: 'sleep', fn: () => new Promise((resolve) => setTimeout(resolve, 2)) },
      quickRunOptions,
    );
    expect(result.value).toBeGreaterThanOrEqual(1500);
  });

  it('reports the median of a measure case and its unit and extras', async () => {
    const figures = [999, 5, 1, 3, 100, 2];
    let call = 0;
    const result = await runCase(
      't',
      {
        name: 'latency',
        measure: async () => ({ value: figures[call++ % figures.length]!, unit: 'ms', extra: { call } }),
      },
      { ...quickRunOptions, measureRuns: 5 },
    );
    // the first run (999) is warm-up; the median of 5, 1, 3, 100, 2 is 3
    expect(result).toMatchObject({ value: 3, unit: 'ms', samples: 5, extra: { call: 4 } });
  });

  it('turns a throwing case into an error row instead of crashing the run', async () => {
    const result = await runCase(
      't',
      {
        name: 'broken',
        fn: () => {
          throw new Error('boom');
        },
      },
      quickRunOptions,
    );
    expect(result.error).toMatch(/boom/);
    expect(result.value).toBeNaN();
  });
});

describe('a timed case that never finishes', () => {
  it('is rejected at the limit instead of leaving node with nothing to wait for', async () => {
    await expect(withinLimit(new Promise(() => undefined), 20)).rejects.toThrow(
      /did not finish within 20 ms/,
    );
    await expect(withinLimit(Promise.resolve(7), 20)).resolves.toBe(7);
  });
});

describe('ratios and selection', () => {
  const row = (name: string, value: number, unit = TIME_UNIT, baseline?: string): CaseResult => ({
    suite: 's',
    name,
    value,
    unit,
    median: value,
    q1: value,
    q3: value,
    min: value,
    max: value,
    spreadPct: 0,
    samples: 1,
    ...(baseline ? { baseline } : {}),
  });

  it('ratio is value over the baseline value, only for matching units', () => {
    const [, slow, odd] = attachRatios([
      row('native', 100),
      row('slow', 250, TIME_UNIT, 'native'),
      row('odd', 1, 'ms', 'native'),
    ]);
    expect(slow!.ratio).toBeCloseTo(2.5);
    expect(odd!.ratio).toBeUndefined();
    // A ratio measured alternately is kept, not recomputed from the two medians.
    const [, paired] = attachRatios([
      row('native', 100),
      { ...row('paired', 250, TIME_UNIT, 'native'), ratio: 2 },
    ]);
    expect(paired!.ratio).toBe(2);
  });

  it('a filter keeps matching cases and brings their baselines along', () => {
    const cases: BenchCase[] = [
      { name: 'native', fn: () => 0 },
      { name: 'dh webcrypto', fn: () => 0, baseline: 'native' },
      { name: 'other', fn: () => 0 },
    ];
    expect(selectCases('crypto', cases, 'webcrypto').map((c) => c.name)).toEqual(['native', 'dh webcrypto']);
    expect(selectCases('crypto', cases, 'CRYPTO/oth').map((c) => c.name)).toEqual(['other']);
    expect(selectCases('crypto', cases, undefined)).toHaveLength(3);
  });

  it('runSuite reports a failing setup as one error row', async () => {
    const results = await runSuite(
      {
        name: 'bad',
        cases: async () => {
          throw new Error('no fixture');
        },
      },
      undefined,
      quickRunOptions,
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ suite: 'bad', name: '(setup)' });
    expect(results[0]!.error).toMatch(/no fixture/);
  });
});
