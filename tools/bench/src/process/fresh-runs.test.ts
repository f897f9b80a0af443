import { afterAll, describe, expect, it } from 'vitest';
import { bleHostPair, tsblePair } from './fresh-runs.js';
import { pairingTiming } from './h4-timeline.js';
import { stopSimPeer } from './sim-peer.js';

// LE Secure Connections Just Works from the central's side, Core 6.0 Vol 3 Part H 2.3.5.6 and C.2.
const JUST_WORKS = [
  '> Pairing Request',
  '< Pairing Response',
  '> Pairing Public Key',
  '< Pairing Public Key',
  '< Pairing Confirm',
  '> Pairing Random',
  '< Pairing Random',
  '> Pairing DHKey Check',
  '< Pairing DHKey Check',
  '> LE Enable Encryption',
  '< Encryption Change',
];

// Real processes on a real socket: the built CLI (sim, serve, pair) and ble-host.
describe('fresh process pairing runs (built CLI)', () => {
  afterAll(stopSimPeer);
  for (const [stack, run] of [
    ['tsble pair', tsblePair],
    ['ble-host', bleHostPair],
  ] as const) {
    it(`${stack}: one LE SC Just Works pairing, read back step by step from its own HCI traffic`, async () => {
      const { wallMs, timeline, wallTime } = await run();
      const timing = pairingTiming(timeline);
      expect(timing.steps.map((s) => `${s.direction === 'out' ? '>' : '<'} ${s.label}`)).toEqual(JUST_WORKS);
      expect(timeline.millisecondStamps).toBe(false);
      expect(timing.totalMs).toBeGreaterThan(0);
      expect(wallMs).toBeGreaterThan(timing.totalMs);
      // Every part of the wall time is there, and none is negative: the stamps share the bench's clock.
      const parts = [...wallTime.matchAll(/ (-?[\d.]+) ms/g)].map((m) => Number(m[1]));
      expect(parts).toHaveLength(5);
      for (const part of parts) expect(part).toBeGreaterThanOrEqual(0);
    });
  }
});
