/** The suite's output: a table for people, a JSON report for CI and the README. */
import type { CaseResult } from './runner.js';

export interface SuiteReport {
  suite: 'tsble conformance';
  startedAt: string;
  durationMs: number;
  node: string;
  totals: { cases: number; pass: number; fail: number };
  results: CaseResult[];
}

export function buildReport(results: CaseResult[], startedAt: Date, durationMs: number): SuiteReport {
  const pass = results.filter((r) => r.verdict === 'PASS').length;
  return {
    suite: 'tsble conformance',
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    node: process.version,
    totals: { cases: results.length, pass, fail: results.length - pass },
    results,
  };
}

/** One table row per case: ID, purpose, verdict, time; a failure's reason on the line below. */
export function formatRow(result: CaseResult, color: boolean): string {
  const verdict = color
    ? result.verdict === 'PASS'
      ? '\u001b[32mPASS\u001b[0m'
      : '\u001b[31mFAIL\u001b[0m'
    : result.verdict;
  const time = result.ms >= 1000 ? `${(result.ms / 1000).toFixed(1)} s` : `${result.ms} ms`;
  const purpose = result.purpose.length > 78 ? `${result.purpose.slice(0, 77)}…` : result.purpose;
  const line = `${result.id.padEnd(38)} ${purpose.padEnd(79)} ${verdict}  ${time.padStart(8)}`;
  return result.verdict === 'FAIL' && result.message ? `${line}\n${' '.repeat(39)}↳ ${result.message}` : line;
}

export function formatHeader(): string {
  return `${'ID'.padEnd(38)} ${'Purpose'.padEnd(79)} ${'Verdict'}  ${'Time'.padStart(8)}`;
}

export function formatSummary(report: SuiteReport): string {
  const { cases, pass, fail } = report.totals;
  return `${cases} cases: ${pass} pass, ${fail} fail (${(report.durationMs / 1000).toFixed(1)} s)`;
}
