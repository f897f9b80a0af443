/**
 * The benchmark contract. A suite is a file `src/suites/<area>.ts` exporting `suite: BenchSuite`;
 * the runner (main.ts) discovers every compiled `dist/suites/*.js` by itself, so adding a suite never
 * touches a shared registry.
 */

/** A figure a case measured itself (latency, throughput, bytes...). */
export interface Measurement {
  value: number;
  unit: string;
  /** A short remark for the table's last column when there is no ratio (e.g. the heap before and after). */
  note?: string;
  extra?: Record<string, unknown>;
}

/**
 * One benchmark case. With `fn`, the harness times repeated calls and reports ops/s.
 * With `measure`, the case returns its own figure; the harness repeats it and reports the median.
 * `baseline` names another case in the same suite; the report then carries the ratio against it.
 */
export type BenchCase =
  | { name: string; fn: () => unknown | Promise<unknown>; baseline?: string; goal?: Goal }
  | {
      name: string;
      measure: (context: MeasureContext) => Promise<Measurement>;
      baseline?: string;
      goal?: Goal;
      /** Repetitions of this case (default: the runner's `measureRuns`); a long run may ask for 1. */
      runs?: number;
      /** Run once untimed before the repetitions (default true); a case that warms up inside may skip it. */
      warmup?: boolean;
      /** Which way is better for this figure, so a ratio can say ahead or behind (timed cases: lower). */
      better?: Better;
    };

/**
 * A target the report checks: the ratio against the baseline, or the case's own median, at most this (at
 * least, when higher is better). The verdict weighs the spread, so one lucky run cannot claim a goal.
 */
export interface Goal {
  ratio?: number;
  value?: number;
}

/** What the runner tells a measuring case: `quick` runs (smoke tests) should do a small fraction of the work. */
export interface MeasureContext {
  quick: boolean;
}

/** Whether a larger or a smaller value of a figure is the better one. */
export type Better = 'higher' | 'lower';

/** A named group of cases; `cases` may do setup (key generation, building fixtures) before returning them. */
export interface BenchSuite {
  name: string;
  cases: () => Promise<BenchCase[]>;
}
