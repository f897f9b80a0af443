import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArguments, runBench } from './cli.js';

// A suites directory as the build would leave it: compiled .js files, plus files the runner must skip.
const dir = mkdtempSync(join(tmpdir(), 'bench-suites-'));
writeFileSync(
  join(dir, 'alpha.js'),
  `export const suite = { name: 'alpha', cases: async () => [
     { name: 'base', fn: () => { let x = 0; for (let i = 0; i < 100; i++) x += i; return x; } },
     { name: 'double', fn: () => { let x = 0; for (let i = 0; i < 200; i++) x += i; return x; }, baseline: 'base', goal: { ratio: 100 } },
     { name: 'figure', measure: async () => ({ value: 42, unit: 'ms' }) },
   ] };`,
);
writeFileSync(join(dir, 'beta.js'), 'export const notASuite = 1;');
writeFileSync(join(dir, 'alpha.d.ts'), 'export {};');

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) },
  };
}

describe('bench command', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses its options', () => {
    expect(parseArguments(['--json', '--filter', 'x', '--quick'])).toEqual({
      json: true,
      quick: true,
      filter: 'x',
    });
    expect(parseArguments(['--filter=y'])).toEqual({ json: false, quick: false, filter: 'y' });
    expect(parseArguments(['--filter'])).toMatch(/needs/);
    expect(parseArguments(['--fast'])).toMatch(/unknown argument/);
  });

  it('exits 2 on a usage error', async () => {
    const { out, io } = capture();
    expect(await runBench(['--nope'], dir, io)).toBe(2);
    expect(out.stderr).toMatch(/usage/);
  });

  it('--json: one object per line, with ratios; a module without `suite` is reported and fails the run', async () => {
    const { out, io } = capture();
    const status = await runBench(['--json', '--quick'], dir, io);
    const lines = out.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.name)).toEqual(['base', 'double', 'figure']);
    expect(lines[0]).toMatchObject({ suite: 'alpha', unit: 'us/op' });
    expect(lines[0].opsPerSec).toBeGreaterThan(0);
    expect(lines[1]).toMatchObject({ baseline: 'base' });
    expect(lines[1].ratio).toBeGreaterThan(0);
    expect(lines[2]).toMatchObject({ value: 42, unit: 'ms' });
    expect(out.stderr).toMatch(/skipped suites\/beta\.js/);
    expect(status).toBe(1);
  });

  it('prints a table, filtered to one case (plus its baseline)', async () => {
    const { out, io } = capture();
    await runBench(['--quick', '--filter', 'alpha/double'], dir, io);
    const [table = '', footnotes = ''] = out.stdout.trim().split('\n\n');
    const rows = table.split('\n');
    expect(rows[0]).toMatch(/^suite\s+case\s+median/);
    expect(rows.slice(2).map((r) => r.split(/\s{2,}/)[1])).toEqual(['base', 'double']);
    // timed cases are better when lower, so the ratio (with its quartiles) also says where the case stands
    expect(rows[3]).toMatch(/\dx \[[\d.]+-[\d.]+\] base \((ahead|behind|level); [\d.,]+ in paired runs\)$/);
    // a ratio of 2 is far inside a goal of 100 whatever the load
    expect(footnotes).toMatch(/^Goals .*\n {2}alpha\/double: goal <= 100\.00x base: holds \(median /);
  });
});
