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
    ratioQ1,
    ratioQ3,
    pairedBaseline,
    better,
    goal,
    note,
    samples,
    min,
    max,
    q1,
    q3,
    spreadPct,
    extra,
    error,
  } = result;
  const verdict = goalVerdict(result);
  const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? undefined : round(x));
  return JSON.stringify({
    suite,
    name,
    value: finite(value),
    unit,
    opsPerSec: finite(opsPerSec),
    baseline,
    ratio: finite(ratio),
    ratioQ1: finite(ratioQ1),
    ratioQ3: finite(ratioQ3),
    pairedBaseline: finite(pairedBaseline),
    better,
    goal,
    verdict: verdict?.verdict,
    note,
    samples,
    min: finite(min),
    q1: finite(q1),
    q3: finite(q3),
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
  if (result.ratio === undefined) {
    if (result.error) return result.error.slice(0, 60);
    return noteFitsTable(result) ? (result.note ?? '') : '(see notes below)';
  }
  // The baseline's figure in the paired runs: the ratio's denominator, which its own row may not match.
  const details = [
    standing(result),
    result.pairedBaseline !== undefined ? `${formatNumber(result.pairedBaseline)} in paired runs` : undefined,
  ].filter((part) => part !== undefined);
  return `${ratioText(result)} ${result.baseline}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
}

const NOTE_IN_TABLE = 70;

/** A short note goes in the table's last column; a long one (a step breakdown) below the table. */
function noteFitsTable(result: CaseResult): boolean {
  return result.ratio === undefined && (result.note ?? '').length <= NOTE_IN_TABLE;
}

/** `0.64x [0.55-0.80]`: the median per-pair ratio and, when known, its quartiles. */
function ratioText(result: CaseResult): string {
  const { ratio, ratioQ1, ratioQ3 } = result;
  if (ratio === undefined) return '';
  const quartiles =
    ratioQ1 !== undefined && ratioQ3 !== undefined ? ` [${ratioQ1.toFixed(2)}-${ratioQ3.toFixed(2)}]` : '';
  return `${ratio.toFixed(2)}x${quartiles}`;
}

export type Verdict = 'holds' | 'holds at the median' | 'missed' | 'not measured';

/**
 * Whether a case meets its goal. "holds" needs the whole middle half of the runs on the right side of the
 * goal (the third quartile, for a lower-is-better figure); "holds at the median" says the median does but one
 * run in four or more does not; "missed" says the median does not.
 */
export function goalVerdict(result: CaseResult): { verdict: Verdict; text: string } | undefined {
  const { goal } = result;
  if (goal === undefined) return undefined;
  const lower = (result.better ?? 'lower') === 'lower';
  const onRatio = goal.ratio !== undefined;
  const target = (onRatio ? goal.ratio : goal.value) as number;
  const [mid, q1, q3] = onRatio
    ? [result.ratio, result.ratioQ1, result.ratioQ3]
    : [result.value, result.q1, result.q3];
  const figure = (x: number) => (onRatio ? `${x.toFixed(2)}x` : `${formatNumber(x)} ${result.unit}`);
  const wanted = `${lower ? '<=' : '>='} ${figure(target)}${onRatio ? ` ${result.baseline}` : ''}`;
  if (mid === undefined || !Number.isFinite(mid))
    return { verdict: 'not measured', text: `goal ${wanted}: not measured` };
  const ok = (x: number) => (lower ? x <= target : x >= target);
  const worstQuartile = lower ? q3 : q1;
  const verdict: Verdict =
    worstQuartile !== undefined && ok(worstQuartile) ? 'holds' : ok(mid) ? 'holds at the median' : 'missed';
  const margin = Math.abs(mid - target) / target;
  const side = ok(mid) ? (lower ? 'under' : 'over') : lower ? 'over' : 'under';
  const spread =
    q1 !== undefined && q3 !== undefined && Number.isFinite(q1) ? ` [${figure(q1)}-${figure(q3)}]` : '';
  return {
    verdict,
    text: `goal ${wanted}: ${verdict} (median ${figure(mid)}${spread}, ${(margin * 100).toFixed(0)}% ${side} the goal)`,
  };
}

/**
 * Below the table: each goal's verdict, and the remarks of cases whose last column shows a ratio instead
 * (a per-step breakdown, for example).
 */
export function formatFootnotes(results: CaseResult[]): string {
  const lines: string[] = [];
  const goals = results.flatMap((r) => {
    const verdict = goalVerdict(r);
    return verdict === undefined ? [] : [`  ${r.suite}/${r.name}: ${verdict.text}`];
  });
  if (goals.length > 0) lines.push('Goals (quartiles of the runs in brackets):', ...goals);
  const notes = results.filter((r) => r.note !== undefined && !noteFitsTable(r));
  if (notes.length > 0) lines.push('Notes:', ...notes.map((r) => `  ${r.suite}/${r.name}: ${r.note}`));
  return lines.join('\n');
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
