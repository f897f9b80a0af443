/** Output: a table for people, one JSON object per line for machines. */
import type { CaseResult } from './runner.js';

/** One JSON line per result: name, value, unit, opsPerSec?, baseline?, ratio?, spread and extras. */
export function toJsonLine(result: CaseResult): string {
  const {
    suite,
    name,
    value,
    unit,
    opsPerSec,
    baseline,
    ratio,
    pairedBaseline,
    better,
    note,
    samples,
    min,
    max,
    spreadPct,
    extra,
    error,
  } = result;
  const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? undefined : round(x));
  return JSON.stringify({
    suite,
    name,
    value: finite(value),
    unit,
    opsPerSec: finite(opsPerSec),
    baseline,
    ratio: finite(ratio),
    pairedBaseline: finite(pairedBaseline),
    better,
    note,
    samples,
    min: finite(min),
    max: finite(max),
    spreadPct: finite(spreadPct),
    ...(extra ? { extra } : {}),
    ...(error ? { error } : {}),
  });
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}

function formatNumber(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 100) return x.toFixed(1);
  if (Math.abs(x) >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/**
 * Whether a ratio puts the case ahead of its baseline ('ahead': better by more than 2%, 'behind': worse by
 * more than 2%, 'level' in between), given which way the figure is better; undefined without both.
 */
export function standing(result: CaseResult): 'ahead' | 'behind' | 'level' | undefined {
  const { ratio, better } = result;
  if (ratio === undefined || better === undefined || !Number.isFinite(ratio)) return undefined;
  const gain = better === 'higher' ? ratio : 1 / ratio;
  if (gain > 1.02) return 'ahead';
  if (gain < 1 / 1.02) return 'behind';
  return 'level';
}

/** The last column: the ratio and standing against the baseline, else the error, else the case's note. */
function versus(result: CaseResult): string {
  if (result.ratio === undefined) return result.error ? result.error.slice(0, 60) : (result.note ?? '');
  // The baseline's figure in the paired runs: the ratio's denominator, which its own row may not match.
  const details = [
    standing(result),
    result.pairedBaseline !== undefined ? `${formatNumber(result.pairedBaseline)} in paired runs` : undefined,
  ].filter((part) => part !== undefined);
  return `${result.ratio.toFixed(2)}x ${result.baseline}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
}

/** A plain-text table: one row per case, medians with their spread, ratios against baselines. */
export function formatTable(results: CaseResult[]): string {
  const header = ['suite', 'case', 'median', 'unit', 'ops/s', 'spread', 'vs baseline / note'];
  const rows = results.map((r) => [
    r.suite,
    r.name,
    r.error ? 'ERROR' : formatNumber(r.value),
    r.unit,
    formatNumber(r.opsPerSec),
    Number.isFinite(r.spreadPct) ? `±${r.spreadPct.toFixed(1)}%` : '',
    versus(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const numeric = new Set([2, 4, 5]);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
