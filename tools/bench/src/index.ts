/** @tsble/bench: the benchmark contract and its runner, for suites and for scripts that run them. */

export { type BenchArguments, type Output, parseArguments, runBench, USAGE } from './cli.js';
export { type DiscoveredSuite, discoverSuites } from './discover.js';
export type { BenchCase, BenchSuite, Measurement } from './harness.js';
export { formatTable, toJsonLine } from './report.js';
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
