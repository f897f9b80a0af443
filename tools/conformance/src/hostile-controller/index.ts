/** The hostile-controller suite: every case, and the seeded randomized run. */
import { eventCases } from './cases-events.js';
import { flowCases } from './cases-flow.js';
import { framingCases } from './cases-framing.js';
import { resetCases } from './cases-reset.js';
import type { HostileCase } from './forge.js';

export type { HostileCase } from './forge.js';
export { type HostileFuzzOptions, type HostileFuzzStats, runHostileFuzz } from './random-run.js';
export { runHostileCase, runHostileCases, selectHostileCases } from './run.js';

export const HOSTILE_CASES: readonly HostileCase[] = [
  ...framingCases,
  ...eventCases,
  ...flowCases,
  ...resetCases,
];
