/**
 * Runs cases: each in a fresh harness with a time limit, long (real-time) cases in parallel with the rest,
 * and reports every result as it lands.
 */
import { type Clock, type ConformanceCase, caseOutcome, Harness, realClock } from './case.js';

export type CaseVerdict = 'PASS' | 'FAIL';

export interface CaseResult {
  id: string;
  purpose: string;
  verdict: CaseVerdict;
  ms: number;
  /** Why it failed (or notes on a pass). */
  message?: string;
  long: boolean;
}

export interface RunOptions {
  /** Substrings or regular expressions (`/.../`): a case runs when its ID matches any. */
  filter?: string[];
  /** Include the long cases (real 30 s timeouts). Default true. */
  long?: boolean;
  /** Per-case limit for ordinary cases (ms). Default 20000. */
  caseTimeoutMs?: number;
  onResult?: (result: CaseResult) => void;
}

export function selectCases(
  cases: readonly ConformanceCase[],
  options: Pick<RunOptions, 'filter' | 'long'> = {},
): ConformanceCase[] {
  const matchers = (options.filter ?? []).map((f) =>
    f.startsWith('/') && f.endsWith('/') && f.length > 2 ? new RegExp(f.slice(1, -1)) : f,
  );
  return cases.filter((c) => {
    if (options.long === false && c.long) return false;
    if (matchers.length === 0) return true;
    return matchers.some((m) => (typeof m === 'string' ? c.id.includes(m) : m.test(c.id)));
  });
}

export async function runCase(
  c: ConformanceCase,
  timeoutMs: number,
  clock: Clock = realClock,
): Promise<CaseResult> {
  // Wall time (Date): performance.now() may be faked along with the IUT's clock.
  const started = Date.now();
  const harness = new Harness(clock);
  const limit = c.long ? Math.max(timeoutMs, 90_000) : timeoutMs;
  let message: string | undefined;
  try {
    message = await caseOutcome(c.run(harness), limit, `did not finish within ${limit / 1000} s`);
  } finally {
    await harness.dispose();
  }
  const verdict: CaseVerdict = message === undefined ? 'PASS' : 'FAIL';
  if (message === undefined && harness.notes.length) message = harness.notes.join('; ');
  return {
    id: c.id,
    purpose: c.purpose,
    verdict,
    ms: Date.now() - started,
    long: c.long === true,
    ...(message ? { message } : {}),
  };
}

/** Runs the selected cases; long ones start first and run side by side with the ordinary ones. */
export async function runCases(
  cases: readonly ConformanceCase[],
  options: RunOptions = {},
): Promise<CaseResult[]> {
  const selected = selectCases(cases, options);
  const timeoutMs = options.caseTimeoutMs ?? 20_000;
  const report = (result: CaseResult) => {
    options.onResult?.(result);
    return result;
  };
  const long = selected.filter((c) => c.long).map((c) => runCase(c, timeoutMs).then(report));
  const ordinary: CaseResult[] = [];
  for (const c of selected.filter((c) => !c.long)) ordinary.push(report(await runCase(c, timeoutMs)));
  const longResults = await Promise.all(long);
  const byId = new Map([...ordinary, ...longResults].map((r) => [r.id, r]));
  return selected.map((c) => byId.get(c.id)!);
}
