/**
 * Hardening in CI: a short seeded randomized run (the long one is `npm run conformance -- --fuzz`), and the
 * bond store crash-safety run with 200 SIGKILLs.
 */
import { describe, expect, it } from 'vitest';
import { runCrashSafety } from './bond-crash/crash-run.js';
import { runFuzz } from './fuzz/fuzz.js';
import { mutate, Random } from './fuzz/random.js';

describe('randomized run', () => {
  it('replays the same inputs from the same seed', () => {
    const a = new Random(99);
    const b = new Random(99);
    const pdu = Uint8Array.of(1, 2, 3, 4, 5, 6, 7);
    for (let i = 0; i < 100; i++) expect(mutate(a, pdu)).toEqual(mutate(b, pdu));
    expect(new Random(1).next()).not.toBe(new Random(2).next());
  });

  it('survives random and mutated SMP, L2CAP and ATT input for a few seconds (seed 20261124)', async () => {
    const stats = await runFuzz({ seed: 20261124, seconds: 4 });
    expect(stats.unhandled).toEqual([]);
    expect(stats.unresponsive).toBe(0);
    expect(stats.heapEndMb - stats.heapStartMb).toBeLessThan(64);
    expect(stats.iterations).toBeGreaterThan(20);
    expect(stats.pairings.completed + stats.pairings.failed).toBeGreaterThan(0);
  }, 60_000);
});

describe('bond store crash safety', () => {
  it('keeps a whole, loadable file with every acknowledged save through 200 SIGKILLs', async () => {
    const result = await runCrashSafety({ kills: 200, seed: 4242 });
    expect(result.problems).toEqual([]);
    expect(result.saves).toBeGreaterThan(0);
  }, 170_000);
});
