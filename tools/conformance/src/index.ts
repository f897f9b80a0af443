/**
 * @tsble/conformance: the conformance suite. SIG Security Manager (and GAP privacy / lost-bond) test cases
 * by their IDs, attack cases, a scripted lower tester on the virtual controller, the seeded randomized run and
 * the bond store crash-safety run.
 */

export { type CrashRunOptions, type CrashRunResult, runCrashSafety } from './bond-crash/crash-run.js';
export { type ConformanceCase, Harness, Verdict, verify } from './case.js';
export { ALL_CASES } from './cases/index.js';
export { type FuzzOptions, type FuzzStats, runFuzz } from './fuzz/fuzz.js';
export {
  HOSTILE_CASES,
  type HostileCase,
  type HostileFuzzStats,
  runHostileCases,
  runHostileFuzz,
} from './hostile-controller/index.js';
export { Iut, type IutOptions } from './iut.js';
export { type LinkAddress, LowerTester } from './lower-tester/link.js';
export {
  features,
  type PairOutcome,
  type PairScript,
  type PairState,
  SmpPeer,
} from './lower-tester/smp-peer.js';
export { buildReport, formatRow, formatSummary, type SuiteReport } from './report.js';
export { type CaseResult, type RunOptions, runCase, runCases, selectCases } from './runner.js';
