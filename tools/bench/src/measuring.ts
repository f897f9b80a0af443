/**
 * Repeating `measure` cases: how many runs, which run's extras to report, and, when the baseline is also a
 * measured figure, interleaving the two run by run so that load from other processes on a shared machine
 * weighs on both sides of every ratio alike (the measured counterpart of timeFunction's alternate sampling).
 */
import type { BenchCase, MeasureContext, Measurement } from './harness.js';
import type { RunOptions } from './runner.js';
import { median } from './statistics.js';

export type MeasureCase = Extract<BenchCase, { measure: unknown }>;

/** A measured baseline to interleave with: its `measure` function. */
export interface MeasuredBaseline {
  measure: (context: MeasureContext) => Promise<Measurement>;
}

/** The longest one run of a measure case may take before it is reported as stuck. */
export const MEASURE_LIMIT_MS = 120_000;

/**
 * One run of `benchCase`, rejected if it takes longer than `limitMs`. Without the timer, a run waiting on a
 * promise that nothing will ever settle would let node find its event loop empty and exit silently,
 * ending the whole bench with no figures; with it, the case becomes an error row.
 */
export function runOnce(
  benchCase: MeasuredBaseline,
  context: MeasureContext,
  limitMs = MEASURE_LIMIT_MS,
): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`a run did not finish within ${limitMs} ms`)), limitMs);
    benchCase.measure(context).then(
      (measurement) => {
        clearTimeout(timer);
        resolve(measurement);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** How many times a measure case runs: its own `runs` (capped in quick mode), else the runner's default. */
export function measureRunCount(benchCase: MeasureCase, options: RunOptions): number {
  const fallback = Math.max(3, options.measureRuns);
  if (benchCase.runs === undefined) return fallback;
  const runs = Math.max(1, Math.floor(benchCase.runs));
  return options.quick ? Math.min(runs, fallback) : runs;
}

export interface Measured {
  values: number[];
  unit: string;
  note?: string;
  extra?: Record<string, unknown>;
  /** Per-run value / baseline value, when a baseline was interleaved. */
  ratios?: number[];
  /** The baseline's values in those interleaved runs. */
  baselineValues?: number[];
}

/**
 * Runs the case (after one untimed warm-up run unless it opts out) the chosen number of times. With a
 * baseline, each run is paired with one baseline run, in alternating order, and their ratio kept.
 */
export async function measureRepeatedly(
  benchCase: MeasureCase,
  options: RunOptions,
  baseline?: MeasuredBaseline,
): Promise<Measured> {
  const context: MeasureContext = { quick: options.quick ?? false };
  if (benchCase.warmup !== false) {
    await runOnce(benchCase, context);
    if (baseline !== undefined) await runOnce(baseline, context);
  }
  const runs: Measurement[] = [];
  const ratios: number[] = [];
  const baselineValues: number[] = [];
  const count = measureRunCount(benchCase, options);
  for (let i = 0; i < count; i++) {
    if (baseline === undefined) {
      runs.push(await runOnce(benchCase, context));
      continue;
    }
    const caseFirst = i % 2 === 0;
    const first = await runOnce(caseFirst ? benchCase : baseline, context);
    const second = await runOnce(caseFirst ? baseline : benchCase, context);
    const [own, base] = caseFirst ? [first, second] : [second, first];
    runs.push(own);
    if (base.value > 0 && base.unit === own.unit) {
      ratios.push(own.value / base.value);
      baselineValues.push(base.value);
    }
  }
  const values = runs.map((run) => run.value);
  // Report the note and extra figures of the run closest to the median.
  const mid = median(values);
  const representative = runs.reduce((best, run) =>
    Math.abs(run.value - mid) < Math.abs(best.value - mid) ? run : best,
  );
  return {
    values,
    unit: representative.unit,
    ...(representative.note !== undefined ? { note: representative.note } : {}),
    ...(representative.extra !== undefined ? { extra: representative.extra } : {}),
    ...(ratios.length > 0 ? { ratios, baselineValues } : {}),
  };
}
