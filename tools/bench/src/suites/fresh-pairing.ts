/**
 * Pairing in a fresh process, as a CLI user meets it: `tsble pair` (LE Secure Connections Just Works, bonding)
 * started from nothing against a `tsble serve` peripheral on the virtual controller socket, next to a fresh
 * ble-host process doing the same against the same peer (process/ble-host-pair.ts), alternated run by run.
 * The pairing is timed from each process's own HCI traffic: our Pairing Request to the Encryption Change
 * event, tsble's from its --btsnoop capture, ble-host's from stamps its transport takes at the same place.
 * The whole run is spawn to exit (connect, pair, bond stored, disconnect). The note gives the per-step
 * breakdown of the median run. The peer's steps (its answers, through its controller) are the same program
 * for both and weigh on both totals alike, so the "own steps" rows compare what each process itself took.
 */
import type { BenchCase, BenchSuite, Measurement } from '../harness.js';
import { bleHostPair, type FreshRun, tsblePair } from '../process/fresh-runs.js';
import { describeSteps, pairingTiming, shares } from '../process/h4-timeline.js';

const RUNS = 11;

function pairingFigure(run: FreshRun): Measurement {
  const timing = pairingTiming(run.timeline);
  const stamps = run.timeline.millisecondStamps ? ' (capture stamps are whole milliseconds)' : '';
  const { oursMs, peerMs } = shares(timing);
  return {
    value: timing.totalMs,
    unit: 'ms',
    note: `ours ${oursMs.toFixed(2)} ms, the peer's ${peerMs.toFixed(2)} ms: ${describeSteps(timing)}${stamps}`,
    extra: { steps: timing.steps },
  };
}

function wallFigure(run: FreshRun): Measurement {
  return { value: run.wallMs, unit: 'ms', note: run.wallTime };
}

/** Only the steps that waited on this process (see shares): the part a host can shorten. */
function ownStepsFigure(run: FreshRun): Measurement {
  return { value: shares(pairingTiming(run.timeline)).oursMs, unit: 'ms' };
}

const BLE_HOST_OWN = 'ble-host process: its own steps of the pairing';
const BLE_HOST_PAIRING = 'ble-host process: Pairing Request to Encryption Change';
const BLE_HOST_RUN = 'ble-host process: whole run (connect, pair, disconnect, exit)';

export const suite: BenchSuite = {
  name: 'fresh process pairing',
  cases: async (): Promise<BenchCase[]> => [
    {
      name: BLE_HOST_PAIRING,
      measure: async () => pairingFigure(await bleHostPair()),
      runs: RUNS,
      better: 'lower',
    },
    {
      name: 'tsble pair: Pairing Request to Encryption Change (btsnoop)',
      measure: async () => pairingFigure(await tsblePair()),
      runs: RUNS,
      better: 'lower',
      baseline: BLE_HOST_PAIRING,
      goal: { ratio: 0.5 },
    },
    {
      name: BLE_HOST_OWN,
      measure: async () => ownStepsFigure(await bleHostPair()),
      runs: RUNS,
      better: 'lower',
    },
    {
      // The same peer answers both, so the total above carries its steps twice over; this compares the rest.
      name: 'tsble pair: its own steps of the pairing',
      measure: async () => ownStepsFigure(await tsblePair()),
      runs: RUNS,
      better: 'lower',
      baseline: BLE_HOST_OWN,
    },
    {
      name: BLE_HOST_RUN,
      measure: async () => wallFigure(await bleHostPair()),
      runs: RUNS,
      better: 'lower',
    },
    {
      name: 'tsble pair: whole run (connect, pair, bond stored, disconnect, exit)',
      measure: async () => wallFigure(await tsblePair()),
      runs: RUNS,
      better: 'lower',
      baseline: BLE_HOST_RUN,
      goal: { value: 300 },
    },
  ],
};
