/**
 * @tsble/conformance: the conformance suite. SIG Security Manager (and GAP privacy / lost-bond) test cases
 * by their IDs, attack cases, a scripted lower tester on the virtual controller, the seeded randomized run and
 * the bond store crash-safety run.
 */
export { ALL_CASES } from './cases/index.js';
export { type ConformanceCase, Harness, Verdict, verify } from './case.js';
export { type CaseResult, type RunOptions, runCase, runCases, selectCases } from './runner.js';
export { type SuiteReport, buildReport, formatRow, formatSummary } from './report.js';
export { LowerTester, type LinkAddress } from './lower-tester/link.js';
export { SmpPeer, type PairScript, type PairOutcome, type PairState, features } from './lower-tester/smp-peer.js';
export { Iut, type IutOptions } from './iut.js';
export { type FuzzOptions, type FuzzStats, runFuzz } from './fuzz/fuzz.js';
export { type CrashRunOptions, type CrashRunResult, runCrashSafety } from './bond-crash/crash-run.js';
