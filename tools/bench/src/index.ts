/** @tsble/bench: the benchmark contract and its runner, for suites and for scripts that run them. */

export { type BenchArguments, type Output, parseArguments, runBench, USAGE } from './cli.js';
export { type DiscoveredSuite, discoverSuites } from './discover.js';
export { exposeGc, heapUsedAfterGc } from './gc.js';
export type { BenchCase, BenchSuite, Better, MeasureContext, Measurement } from './harness.js';
export {
  MEASURE_LIMIT_MS,
  type MeasureCase,
  type MeasuredBaseline,
  measureRepeatedly,
  measureRunCount,
  runOnce,
} from './measuring.js';
export { formatTable, standing, toJsonLine } from './report.js';
export {
  attachRatios,
  type CaseResult,
  defaultRunOptions,
  quickRunOptions,
  type RunOptions,
  runCase,
  runSuite,
  selectCases,
  TIME_UNIT,
  timeFunction,
} from './runner.js';
export { median, quantile, type Summary, summarize } from './statistics.js';
