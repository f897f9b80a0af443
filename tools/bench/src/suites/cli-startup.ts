/**
 * The `tsble` command's start-up as a user meets it: a fresh process run from outside, spawn to exit, next to
 * a bare `node -e ""` run alternately with it (so the ratio is what tsble adds to node's own start-up, and
 * load from other processes weighs on both sides). Runs the built CLI through its committed bin entry, as
 * `npx tsble` does. `info --transport sim` also resets and queries the embedded virtual controller.
 */
import type { BenchCase, BenchSuite, Goal } from '../harness.js';
import { TSBLE_BIN, timeNode } from '../process/timed-process.js';

const BARE = 'node -e ""';
const RUNS = 21;

function processCase(name: string, args: readonly string[], goal?: Goal): BenchCase {
  return {
    name,
    measure: async () => ({ value: (await timeNode(args)).wallMs, unit: 'ms' }),
    runs: RUNS,
    better: 'lower',
    ...(goal ? { baseline: BARE, goal } : {}),
  };
}

export const suite: BenchSuite = {
  name: 'CLI start-up',
  cases: async () => [
    processCase(BARE, ['-e', '']),
    processCase('tsble --version', [TSBLE_BIN, '--version'], { ratio: 1.5 }),
    processCase('tsble help', [TSBLE_BIN, 'help'], { ratio: 1.5 }),
    processCase('tsble info --transport sim', [TSBLE_BIN, 'info', '--transport', 'sim'], { ratio: 2 }),
  ],
};
