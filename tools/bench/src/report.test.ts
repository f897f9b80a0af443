import { describe, expect, it } from 'vitest';
import type { Goal } from './harness.js';
import { formatFootnotes, goalVerdict, toJsonLine } from './report.js';
import type { CaseResult } from './runner.js';

function row(fields: Partial<CaseResult> & { goal?: Goal }): CaseResult {
  return {
    suite: 's',
    name: 'n',
    value: 10,
    unit: 'ms',
    median: 10,
    q1: 9,
    q3: 11,
    min: 8,
    max: 12,
    spreadPct: 20,
    samples: 7,
    better: 'lower',
    baseline: 'b',
    ...fields,
  };
}

describe('goal verdicts', () => {
  const onRatio = (ratio: number, ratioQ1: number, ratioQ3: number, better: 'lower' | 'higher' = 'lower') =>
    goalVerdict(row({ ratio, ratioQ1, ratioQ3, better, goal: { ratio: 0.8 } }))?.verdict;

  it('a lower-is-better ratio holds only when its third quartile is within the goal', () => {
    expect(onRatio(0.6, 0.55, 0.75)).toBe('holds');
    expect(onRatio(0.75, 0.7, 0.85)).toBe('holds at the median');
    expect(onRatio(0.9, 0.7, 1.1)).toBe('missed');
  });

  it('a higher-is-better figure is read the other way round (first quartile)', () => {
    expect(onRatio(0.9, 0.85, 1.0, 'higher')).toBe('holds');
    expect(onRatio(0.85, 0.7, 0.9, 'higher')).toBe('holds at the median');
    expect(onRatio(0.6, 0.5, 0.9, 'higher')).toBe('missed');
  });

  it('a value goal uses the case’s own median and quartiles, and says the margin', () => {
    const verdict = goalVerdict(row({ value: 250, q1: 240, q3: 290, goal: { value: 300 } }));
    expect(verdict?.verdict).toBe('holds');
    expect(verdict?.text).toMatch(/17% under the goal/);
    expect(goalVerdict(row({ value: 350, q1: 240, q3: 400, goal: { value: 300 } }))?.verdict).toBe('missed');
  });

  it('a case that failed is "not measured", and a case without a goal has no verdict', () => {
    expect(goalVerdict(row({ value: Number.NaN, goal: { value: 1 } }))?.verdict).toBe('not measured');
    expect(goalVerdict(row({}))).toBeUndefined();
  });

  it('JSON lines carry the goal, the verdict and the ratio quartiles', () => {
    const line = JSON.parse(
      toJsonLine(row({ ratio: 0.6, ratioQ1: 0.5, ratioQ3: 0.7, goal: { ratio: 0.8 } })),
    );
    expect(line).toMatchObject({ goal: { ratio: 0.8 }, verdict: 'holds', ratioQ1: 0.5, ratioQ3: 0.7, q1: 9 });
  });
});

describe('footnotes', () => {
  it('list every goal and the notes too long for the table, and nothing else', () => {
    const text = formatFootnotes([
      row({ name: 'goal case', ratio: 0.6, ratioQ1: 0.5, ratioQ3: 0.7, goal: { ratio: 0.8 } }),
      row({ name: 'long note', note: `steps ${'x'.repeat(100)}` }),
      row({ name: 'short note', note: 'fits' }),
    ]);
    expect(text).toMatch(/s\/goal case: goal <= 0\.80x b: holds/);
    expect(text).toMatch(/s\/long note: steps x+/);
    expect(text).not.toMatch(/short note/);
    expect(formatFootnotes([row({})])).toBe('');
  });
});
