import { describe, expect, it } from 'vitest';
import { heapUsedAfterGc } from './gc.js';
import type { BenchCase, MeasureContext } from './harness.js';
import { measureRunCount, runOnce } from './measuring.js';
import { formatTable, standing, toJsonLine } from './report.js';
import { type CaseResult, defaultRunOptions, quickRunOptions, runCase, runSuite } from './runner.js';

type MeasureCase = Extract<BenchCase, { measure: unknown }>;
const figure = (value: number) => async () => ({ value, unit: 'ms' });

describe('measured cases', () => {
  it('run as many times as the case asks, capped in quick mode', () => {
    const base: MeasureCase = { name: 'm', measure: figure(1) };
    expect(measureRunCount(base, defaultRunOptions)).toBe(7);
    expect(measureRunCount({ ...base, runs: 15 }, defaultRunOptions)).toBe(15);
    expect(measureRunCount({ ...base, runs: 15 }, quickRunOptions)).toBe(3);
    expect(measureRunCount({ ...base, runs: 1 }, quickRunOptions)).toBe(1);
  });

  it('skip the warm-up run when told, and hear whether the run is quick', async () => {
    const contexts: MeasureContext[] = [];
    const result = await runCase(
      't',
      {
        name: 'long',
        measure: async (context) => {
          contexts.push(context);
          return { value: 5, unit: 'MB', note: '10 MB before, 15 MB after' };
        },
        runs: 1,
        warmup: false,
        better: 'lower',
      },
      quickRunOptions,
    );
    expect(contexts).toEqual([{ quick: true }]);
    expect(result).toMatchObject({ value: 5, unit: 'MB', samples: 1, better: 'lower' });
    // Without a baseline, the table's last column carries the note.
    expect(formatTable([result]).split('\n')[2]).toMatch(/10 MB before, 15 MB after$/);
    expect(JSON.parse(toJsonLine(result)).note).toBe('10 MB before, 15 MB after');
  });

  it('interleave with a measured baseline and report the median of the per-run ratios', async () => {
    const order: string[] = [];
    // The "load" doubles every second run: per-run ratios stay 2, while a ratio of medians would not.
    let tick = 0;
    const loaded = (name: string, cost: number) => async () => {
      order.push(name);
      tick++;
      return { value: cost * (Math.floor(tick / 2) % 2 === 0 ? 1 : 2), unit: 'ms' };
    };
    const cases: BenchCase[] = [
      { name: 'theirs', measure: loaded('theirs', 10), runs: 4 },
      { name: 'ours', measure: loaded('ours', 20), runs: 4, baseline: 'theirs', better: 'lower' },
    ];
    const [, ours] = await runSuite({ name: 's', cases: async () => cases }, undefined, defaultRunOptions);
    expect(ours!.ratio).toBeCloseTo(2);
    expect(standing(ours!)).toBe('behind');
    // After the baseline's own runs: warm-up of both, then pairs in alternating order.
    expect(order.slice(5)).toEqual([
      'ours',
      'theirs',
      'ours',
      'theirs',
      'theirs',
      'ours',
      'ours',
      'theirs',
      'theirs',
      'ours',
    ]);
  });
});

describe('a run that never finishes', () => {
  it('is rejected after the limit instead of leaving the event loop empty', async () => {
    const stuck = { measure: () => new Promise<never>(() => undefined) };
    await expect(runOnce(stuck, { quick: true }, 20)).rejects.toThrow(/did not finish within 20 ms/);
  });
});

describe('standing against a baseline', () => {
  const row = (ratio: number, better: 'higher' | 'lower'): CaseResult => ({
    suite: 's',
    name: 'n',
    value: 1,
    unit: 'x',
    median: 1,
    q1: 1,
    q3: 1,
    min: 1,
    max: 1,
    spreadPct: 0,
    samples: 1,
    baseline: 'b',
    ratio,
    better,
  });

  it('reads a ratio the right way round for the figure', () => {
    expect(standing(row(1.5, 'higher'))).toBe('ahead');
    expect(standing(row(1.5, 'lower'))).toBe('behind');
    expect(standing(row(0.5, 'lower'))).toBe('ahead');
    expect(standing(row(1.01, 'lower'))).toBe('level');
    expect(standing({ ...row(2, 'lower'), better: undefined })).toBeUndefined();
  });
});

describe('heapUsedAfterGc', () => {
  it('collects garbage: a large dropped allocation does not stay in the figure', () => {
    const before = heapUsedAfterGc();
    let garbage: number[][] | undefined = Array.from({ length: 2000 }, () => new Array(1000).fill(1));
    expect(garbage.length).toBe(2000);
    garbage = undefined;
    expect(heapUsedAfterGc() - before).toBeLessThan(4); // the 16 MB allocated are gone
  });
});
