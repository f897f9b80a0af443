/**
 * Runs benchmark cases: warm-up, repeated timed samples, medians. A `fn` case is timed in batches long
 * enough for the clock to resolve them and reported as time per operation (µs) and ops/s; a `measure`
 * case is repeated and its own figure's median reported.
 */
import type { BenchCase, BenchSuite, Better, Goal } from './harness.js';
import { type MeasuredBaseline, measureRepeatedly } from './measuring.js';
import { median, quantile, type Summary, summarize } from './statistics.js';

export interface RunOptions {
  /** Time spent warming each case up before sampling (JIT, caches). */
  warmupMs: number;
  /** Target duration of one timed sample (a batch of calls). */
  sampleMs: number;
  /** Number of timed samples (at least 3 are always taken). */
  samples: number;
  /** Repetitions of a `measure` case (after one warm-up run) unless the case names its own `runs`. */
  measureRuns: number;
  /** Smoke-test mode: at most `measureRuns` repetitions whatever a case asks, and cases told to do little work. */
  quick?: boolean;
}

export const defaultRunOptions: RunOptions = { warmupMs: 250, sampleMs: 40, samples: 15, measureRuns: 7 };
export const quickRunOptions: RunOptions = {
  warmupMs: 20,
  sampleMs: 5,
  samples: 5,
  measureRuns: 3,
  quick: true,
};

/** One case's result; `value` is in `unit` (µs per op for timed cases). */
export interface CaseResult extends Summary {
  suite: string;
  name: string;
  value: number;
  unit: string;
  opsPerSec?: number;
  baseline?: string;
  /**
   * Against the baseline: for timed cases the median of per-sample time ratios taken alternately with the
   * baseline (1.5 means 1.5x slower); otherwise value / baseline's value (same unit).
   */
  ratio?: number;
  /** First and third quartiles of the per-pair ratios: how far one noisy pair can move the verdict. */
  ratioQ1?: number;
  ratioQ3?: number;
  /**
   * The baseline's median in the samples or runs paired with this case's (the ratio's denominators): it can
   * differ from the baseline's own row, which was measured earlier, under other load.
   */
  pairedBaseline?: number;
  /** Which way is better (timed cases: lower), so a ratio reads as ahead or behind. */
  better?: Better;
  /** The case's target, checked by the report (see goalVerdict in report.ts). */
  goal?: Goal;
  /** The measure's remark (from the run closest to the median). */
  note?: string;
  extra?: Record<string, unknown>;
  error?: string;
}

export const TIME_UNIT = 'us/op';

const NO_SUMMARY = {
  median: Number.NaN,
  q1: Number.NaN,
  q3: Number.NaN,
  min: Number.NaN,
  max: Number.NaN,
  spreadPct: Number.NaN,
};

/** The longest a timed case may take, warm-up and samples together, before it is reported as stuck. */
export const TIMED_CASE_LIMIT_MS = 300_000;

/**
 * `work`, rejected if it has not settled within `limitMs`. The timer also keeps the event loop alive: a case
 * awaiting a promise nothing will settle (a pairing that never completes) would otherwise let node find
 * nothing left to do and exit silently in the middle of the run, with no figures and status 0.
 */
export function withinLimit<T>(work: Promise<T>, limitMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not finish within ${limitMs} ms`)), limitMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The median per-pair ratio and its quartiles. */
function ratioFigures(ratios: readonly number[]): { ratio: number; ratioQ1: number; ratioQ3: number } {
  return { ratio: median(ratios), ratioQ1: quantile(ratios, 0.25), ratioQ3: quantile(ratios, 0.75) };
}

/** Calls `fn` `count` times; awaits only when the case is asynchronous, so sync cases pay no promise tax. */
async function runBatch(fn: () => unknown, count: number, isAsync: boolean): Promise<void> {
  if (isAsync) {
    for (let i = 0; i < count; i++) await fn();
  } else {
    for (let i = 0; i < count; i++) fn();
  }
}

async function timeBatch(fn: () => unknown, count: number, isAsync: boolean): Promise<number> {
  const start = performance.now();
  await runBatch(fn, count, isAsync);
  return performance.now() - start;
}

function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A function ready for timing: whether to await it, and a batch size the clock resolves well. */
interface Timed {
  fn: () => unknown;
  isAsync: boolean;
  batch: number;
}

/** First call (sync or async?), then doubles the batch until one takes at least sampleMs. */
async function calibrate(fn: () => unknown, options: RunOptions): Promise<Timed> {
  const first = fn();
  const isAsync = isThenable(first);
  if (isAsync) await first;
  let batch = 1;
  for (;;) {
    const elapsed = await timeBatch(fn, batch, isAsync);
    if (elapsed >= options.sampleMs) return { fn, isAsync, batch };
    batch *= elapsed < options.sampleMs / 8 ? 4 : 2;
  }
}

/** One sample: µs per operation over one batch. */
async function sample(timed: Timed): Promise<number> {
  return ((await timeBatch(timed.fn, timed.batch, timed.isAsync)) * 1000) / timed.batch;
}

/**
 * Per-operation times in µs, one per sample; with `baseline`, also the per-sample ratios against it and the
 * baseline's own times in those samples.
 */
export interface Timing {
  perOp: number[];
  ratios?: number[];
  baselinePerOp?: number[];
}

/**
 * Times `fn` over repeated samples after a warm-up. With a `baseline`, the two are sampled alternately
 * (and in alternating order), and each sample pair gives a ratio: load from other processes on a shared
 * machine then slows both sides of every ratio alike instead of skewing it.
 */
export async function timeFunction(
  fn: () => unknown,
  options: RunOptions,
  baseline?: () => unknown,
): Promise<Timing> {
  const warmupStart = performance.now();
  const timed = await calibrate(fn, options);
  const reference = baseline === undefined ? undefined : await calibrate(baseline, options);
  while (performance.now() - warmupStart < options.warmupMs) {
    await runBatch(timed.fn, timed.batch, timed.isAsync);
    if (reference !== undefined) await runBatch(reference.fn, reference.batch, reference.isAsync);
  }
  const perOp: number[] = [];
  const ratios: number[] = [];
  const baselinePerOp: number[] = [];
  for (let i = 0; i < Math.max(3, options.samples); i++) {
    if (reference === undefined) {
      perOp.push(await sample(timed));
      continue;
    }
    const caseFirst = i % 2 === 0;
    const before = await sample(caseFirst ? timed : reference);
    const after = await sample(caseFirst ? reference : timed);
    const [own, base] = caseFirst ? [before, after] : [after, before];
    perOp.push(own);
    ratios.push(own / base);
    baselinePerOp.push(base);
  }
  return reference === undefined ? { perOp } : { perOp, ratios, baselinePerOp };
}

/**
 * Runs one case. `baseline`, the baseline case's function when both are timed cases (or its measure when
 * both are measured), is run alternately with this one to give a load-resistant `ratio` (see timeFunction
 * and measureRepeatedly).
 */
export async function runCase(
  suite: string,
  benchCase: BenchCase,
  options: RunOptions,
  baseline?: (() => unknown) | MeasuredBaseline,
): Promise<CaseResult> {
  const base = {
    suite,
    name: benchCase.name,
    ...(benchCase.baseline ? { baseline: benchCase.baseline } : {}),
    ...(benchCase.goal ? { goal: benchCase.goal } : {}),
  };
  try {
    if ('fn' in benchCase) {
      const baselineFn = typeof baseline === 'function' ? baseline : undefined;
      const { perOp, ratios, baselinePerOp } = await withinLimit(
        timeFunction(benchCase.fn, options, baselineFn),
        TIMED_CASE_LIMIT_MS,
      );
      const summary = summarize(perOp);
      const timed = {
        ...base,
        ...summary,
        value: summary.median,
        unit: TIME_UNIT,
        opsPerSec: 1e6 / summary.median,
        better: 'lower' as const,
      };
      if (ratios === undefined) return timed;
      return { ...timed, ...ratioFigures(ratios), pairedBaseline: median(baselinePerOp ?? []) };
    }
    const measured = typeof baseline === 'object' ? baseline : undefined;
    const { values, unit, note, extra, ratios, baselineValues } = await measureRepeatedly(
      benchCase,
      options,
      measured,
    );
    const summary = summarize(values);
    return {
      ...base,
      ...summary,
      value: summary.median,
      unit,
      ...(benchCase.better ? { better: benchCase.better } : {}),
      ...(ratios ? { ...ratioFigures(ratios), pairedBaseline: median(baselineValues ?? []) } : {}),
      ...(note !== undefined ? { note } : {}),
      ...(extra ? { extra } : {}),
    };
  } catch (error) {
    const empty = { ...NO_SUMMARY, samples: 0 };
    return { ...base, ...empty, value: Number.NaN, unit: '', error: String(error) };
  }
}

/**
 * Fills in `ratio` (value / baseline value) for results that have none yet (measure cases, or a timed case
 * whose baseline is a measure case) and whose baseline ran in the same suite with the same unit.
 */
export function attachRatios(results: CaseResult[]): CaseResult[] {
  return results.map((result) => {
    if (result.baseline === undefined || result.ratio !== undefined) return result;
    const baseline = results.find((r) => r.suite === result.suite && r.name === result.baseline);
    if (baseline === undefined || baseline.unit !== result.unit || !(baseline.value > 0)) return result;
    return { ...result, ratio: result.value / baseline.value };
  });
}

/** The cases of a suite that match `filter` (against "suite/case"), plus any baselines they name. */
export function selectCases(suiteName: string, cases: BenchCase[], filter: string | undefined): BenchCase[] {
  if (filter === undefined) return cases;
  const needle = filter.toLowerCase();
  const chosen = new Set(cases.filter((c) => `${suiteName}/${c.name}`.toLowerCase().includes(needle)));
  for (const c of [...chosen]) {
    const baseline = cases.find((other) => other.name === c.baseline);
    if (baseline !== undefined) chosen.add(baseline);
  }
  return cases.filter((c) => chosen.has(c));
}

/**
 * What to run alternately with `benchCase`: its baseline's function when both are timed cases, its
 * baseline's measure when both are measured (so each ratio pairs runs made under the same load).
 */
function alternateBaseline(
  benchCase: BenchCase,
  cases: BenchCase[],
): (() => unknown) | MeasuredBaseline | undefined {
  if (benchCase.baseline === undefined) return undefined;
  const baseline = cases.find((c) => c.name === benchCase.baseline);
  if (baseline === undefined || baseline === benchCase) return undefined;
  if ('fn' in benchCase) return 'fn' in baseline ? baseline.fn : undefined;
  return 'measure' in baseline ? { measure: baseline.measure } : undefined;
}

export interface SuiteRunHooks {
  /** Called after each case, e.g. to stream JSON lines. */
  onResult?: (result: CaseResult) => void;
}

/** Runs the selected cases of one suite in declaration order. A suite whose setup throws yields one error row. */
export async function runSuite(
  suite: BenchSuite,
  filter: string | undefined,
  options: RunOptions,
  hooks: SuiteRunHooks = {},
): Promise<CaseResult[]> {
  let cases: BenchCase[];
  try {
    cases = selectCases(suite.name, await withinLimit(suite.cases(), TIMED_CASE_LIMIT_MS), filter);
  } catch (error) {
    const failed: CaseResult = {
      suite: suite.name,
      name: '(setup)',
      value: Number.NaN,
      unit: '',
      ...NO_SUMMARY,
      samples: 0,
      error: String(error),
    };
    hooks.onResult?.(failed);
    return [failed];
  }
  const results: CaseResult[] = [];
  for (const benchCase of cases) {
    results.push(await runCase(suite.name, benchCase, options, alternateBaseline(benchCase, cases)));
  }
  const withRatios = attachRatios(results);
  for (const result of withRatios) hooks.onResult?.(result);
  return withRatios;
}
