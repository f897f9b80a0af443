import { describe, expect, it } from 'vitest';
import { ALL_CASES } from './cases/index.js';
import { parseArguments, UsageError } from './cli.js';
import { buildReport, formatRow } from './report.js';
import { selectCases } from './runner.js';

describe('command line', () => {
  it('reads filters, report file, quick mode and the hardening runs', () => {
    const o = parseArguments([
      '--filter',
      'SM/CEN/JW,ATTACK/',
      '--filter',
      '/BI-0[12]/',
      '--quick',
      '--json',
      'r.json',
    ]);
    expect(o).toMatchObject({
      mode: 'cases',
      filter: ['SM/CEN/JW', 'ATTACK/', '/BI-0[12]/'],
      long: false,
      json: 'r.json',
    });
    expect(parseArguments(['--fuzz', '--seconds', '600', '--seed', '42'])).toMatchObject({
      mode: 'fuzz',
      seconds: 600,
      seed: 42,
    });
    expect(parseArguments(['--bond-crash', '--kills', '50'])).toMatchObject({
      mode: 'bond-crash',
      kills: 50,
    });
    expect(parseArguments(['--report', 'x.json']).json).toBe('x.json');
  });

  it('refuses unknown options and missing values with a UsageError', () => {
    expect(() => parseArguments(['--nope'])).toThrow(UsageError);
    expect(() => parseArguments(['--seconds'])).toThrow(UsageError);
    expect(() => parseArguments(['--seed', 'abc'])).toThrow(UsageError);
  });

  it('selects by substring and by /regex/, and leaves long cases out in quick mode', () => {
    expect(
      selectCases(ALL_CASES, { filter: ['SM/CEN/JW/'] }).every((c) => c.id.startsWith('SM/CEN/JW/')),
    ).toBe(true);
    expect(selectCases(ALL_CASES, { filter: ['/^ATTACK\\/ZERO/'] }).map((c) => c.id)).toEqual([
      'ATTACK/ZERO-LTK',
    ]);
    expect(selectCases(ALL_CASES, { long: false }).some((c) => c.long)).toBe(false);
  });

  it('reports totals and shows a failure reason under its row', () => {
    const report = buildReport(
      [
        { id: 'A', purpose: 'p', verdict: 'PASS', ms: 5, long: false },
        { id: 'B', purpose: 'q', verdict: 'FAIL', ms: 1500, long: false, message: 'why' },
      ],
      new Date(0),
      10,
    );
    expect(report.totals).toEqual({ cases: 2, pass: 1, fail: 1 });
    expect(formatRow(report.results[1]!, false)).toContain('↳ why');
    expect(formatRow(report.results[1]!, false)).toContain('1.5 s');
  });
});
