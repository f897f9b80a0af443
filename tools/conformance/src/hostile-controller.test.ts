/**
 * The hostile-controller suite in CI: every case against tsble's host over a real unix socket (each bounded by
 * its own limit; the slow ones wait on real 4-6 s controller deadlines, so the cases run side by side), and a
 * short seeded randomized run (the long one is `npm run conformance -- --hostile-fuzz --seconds N`).
 */
import { describe, expect, it } from 'vitest';
import { HOSTILE_CASES, runHostileCase, runHostileFuzz } from './hostile-controller/index.js';

describe('hostile controller', () => {
  it('has at least 50 cases, each with a unique ID, an expected outcome and a reason', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(HOSTILE_CASES.map((c) => c.id)).size).toBe(HOSTILE_CASES.length);
    for (const c of HOSTILE_CASES) {
      expect(c.id).toMatch(/^HOSTILE\/[A-Z-]+\/[A-Z0-9-]+$/);
      expect(c.why.length).toBeGreaterThan(10);
    }
  });

  it.concurrent.each(HOSTILE_CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const result = await runHostileCase(c);
    expect(result.message ?? 'PASS').toBe('PASS');
  });

  it.concurrent('survives a seeded randomized run of framed random packets (seed 20261206, 4 s)', async () => {
    const stats = await runHostileFuzz({ seed: 20261206, seconds: 4 });
    expect(stats.invented).toEqual([]);
    expect(stats.errors).toEqual([]);
    expect(stats.injected).toBeGreaterThan(1000);
    expect(stats.attFailures).toBeLessThanOrEqual(Math.max(1, stats.attChecks / 10));
    expect(stats.heapEndMb - stats.heapStartMb).toBeLessThan(64);
  });
});
