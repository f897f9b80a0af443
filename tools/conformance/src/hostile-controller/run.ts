/**
 * Runs hostile-controller cases, several at once (each has its own air, socket and hosts), each bounded by its
 * limit, and reports every result as it lands in the conformance suite's result shape.
 */
import { caseOutcome } from '../case.js';
import type { CaseResult } from '../runner.js';
import type { HostileCase } from './forge.js';
import { Scenario } from './scenario.js';

export interface HostileRunOptions {
  /** Cases running at once. Default 8. */
  concurrency?: number;
  onResult?: (result: CaseResult) => void;
}

/** Cases whose ID contains one of `filter` (or matches one given as /regex/); all when it is empty. */
export function selectHostileCases(cases: readonly HostileCase[], filter: readonly string[]): HostileCase[] {
  const matchers = filter.map((f) =>
    f.startsWith('/') && f.endsWith('/') && f.length > 2 ? new RegExp(f.slice(1, -1)) : f,
  );
  if (matchers.length === 0) return [...cases];
  return cases.filter((c) => matchers.some((m) => (typeof m === 'string' ? c.id.includes(m) : m.test(c.id))));
}

export async function runHostileCase(c: HostileCase): Promise<CaseResult> {
  const started = Date.now();
  const scenario = new Scenario();
  const limit = c.limitMs ?? 8000;
  let message: string | undefined;
  try {
    await scenario.start();
    message = await caseOutcome(c.run(scenario), limit, `did not finish within ${limit / 1000} s (a hang)`);
  } catch (error) {
    message = `error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  } finally {
    await scenario.close();
  }
  return {
    id: c.id,
    purpose: `[${c.expected}] ${c.purpose}`,
    verdict: message === undefined ? 'PASS' : 'FAIL',
    ms: Date.now() - started,
    long: false,
    ...(message === undefined ? {} : { message }),
  };
}

export async function runHostileCases(
  cases: readonly HostileCase[],
  options: HostileRunOptions = {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const result = await runHostileCase(cases[index] as HostileCase);
      results[index] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, cases.length) }, worker));
  return results;
}
