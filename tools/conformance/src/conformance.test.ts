/**
 * The whole suite under Vitest, for CI: one test per case, each asserting PASS (a failure shows the case's
 * own verdict message). Long cases run on a simulated SMP clock; the rest in real time, one after another.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from './case.js';
import { ALL_CASES } from './cases/index.js';
import { runCase } from './runner.js';

const CASE_TIMEOUT_MS = 20_000;

/** Every LE case of the SM test-case map (shared/reference/sm-test-cases.md), both roles where it lists both. */
const SM_MAP_IDS = [
  'SM/CEN/PROT/BV-01-C',
  'SM/PER/PROT/BV-02-C',
  'SM/CEN/JW/BV-01-C',
  'SM/PER/JW/BV-02-C',
  'SM/PER/JW/BI-03-C',
  'SM/CEN/JW/BI-04-C',
  'SM/CEN/JW/BV-05-C',
  'SM/CEN/JW/BI-01-C',
  'SM/PER/JW/BI-02-C',
  'SM/CEN/JW/BI-06-C',
  'SM/CEN/PKE/BV-01-C',
  'SM/PER/PKE/BV-02-C',
  'SM/CEN/PKE/BV-04-C',
  'SM/PER/PKE/BV-05-C',
  'SM/CEN/PKE/BI-01-C',
  'SM/CEN/PKE/BI-02-C',
  'SM/PER/PKE/BI-03-C',
  'SM/CEN/PKE/BV-05-C',
  'SM/CEN/PKE/BI-03-C',
  'SM/CEN/OOB/BV-01-C',
  'SM/PER/OOB/BV-02-C',
  'SM/CEN/OOB/BV-03-C',
  'SM/PER/OOB/BV-04-C',
  'SM/CEN/OOB/BV-05-C',
  'SM/PER/OOB/BV-06-C',
  'SM/CEN/OOB/BV-07-C',
  'SM/PER/OOB/BV-08-C',
  'SM/CEN/OOB/BV-09-C',
  'SM/PER/OOB/BV-10-C',
  'SM/CEN/OOB/BI-01-C',
  'SM/PER/OOB/BI-02-C',
  'SM/CEN/EKS/BV-01-C',
  'SM/PER/EKS/BV-02-C',
  'SM/CEN/EKS/BI-01-C',
  'SM/PER/EKS/BI-02-C',
  'SM/CEN/SIGN/BV-01-C',
  'SM/CEN/SIGN/BV-03-C',
  'SM/CEN/SIGN/BI-01-C',
  'SM/SIGN/BI-02-C',
  'SM/PER/KDU/BV-01-C',
  'SM/PER/KDU/BV-02-C',
  'SM/PER/KDU/BV-03-C',
  'SM/PER/KDU/BV-08-C',
  'SM/PER/KDU/BV-09-C',
  'SM/CEN/KDU/BV-04-C',
  'SM/CEN/KDU/BV-05-C',
  'SM/CEN/KDU/BV-06-C',
  'SM/CEN/KDU/BV-10-C',
  'SM/CEN/KDU/BV-11-C',
  'SM/PER/KDU/BV-07-C',
  'SM/PER/KDU/BI-01-C',
  'SM/CEN/KDU/BI-01-C',
  'SM/PER/KDU/BI-04-C',
  'SM/CEN/KDU/BI-04-C',
  'SM/PER/KDU/BI-02-C',
  'SM/PER/KDU/BI-03-C',
  'SM/PER/PIS/BV-01-C',
  'SM/CEN/PIS/BV-02-C',
  'SM/PER/PIS/BV-02-C',
  'SM/CEN/PIS/BV-03-C',
  'SM/CEN/SCJW/BV-01-C',
  'SM/PER/SCJW/BV-02-C',
  'SM/PER/SCJW/BV-03-C',
  'SM/CEN/SCJW/BV-04-C',
  'SM/CEN/SCJW/BI-01-C',
  'SM/PER/SCJW/BI-02-C',
  'SM/CEN/SCPK/BV-01-C',
  'SM/PER/SCPK/BV-02-C',
  'SM/PER/SCPK/BV-03-C',
  'SM/CEN/SCPK/BV-04-C',
  'SM/CEN/SCPK/BI-01-C',
  'SM/CEN/SCPK/BI-02-C',
  'SM/PER/SCPK/BI-03-C',
  'SM/PER/SCPK/BI-04-C',
  'SM/CEN/SCPK/BV-05-C',
  'SM/CEN/SCOB/BV-01-C',
  'SM/PER/SCOB/BV-02-C',
  'SM/PER/SCOB/BV-03-C',
  'SM/CEN/SCOB/BV-04-C',
  'SM/CEN/SCOB/BI-01-C',
  'SM/PER/SCOB/BI-02-C',
  'SM/PER/SCOB/BI-03-C',
  'SM/CEN/SCOB/BI-04-C',
];

/**
 * The IUT's SMP clock, simulated: the host reads performance.now() and ticks with setInterval, so faking only
 * those two (as the host's own timeout test does) lets the 30 s SMP timeout and the Repeated Attempts back-off
 * pass in milliseconds, while the virtual controller and the lower tester keep real time.
 */
const simulatedClock: Clock = {
  now: () => performance.now(),
  sleep: async (ms) => {
    await vi.advanceTimersByTimeAsync(ms);
  },
};

describe('conformance: long cases (SMP timeout, back-off rounds) on a simulated clock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  for (const c of ALL_CASES.filter((c) => c.long)) {
    it(`${c.id}: ${c.purpose}`, async () => {
      const result = await runCase(c, CASE_TIMEOUT_MS, simulatedClock);
      expect(result.verdict, `${c.id}: ${result.message ?? ''}`).toBe('PASS');
    });
  }
});

describe('conformance: SIG SM / GAP cases and attacks over the virtual controller', () => {
  for (const c of ALL_CASES.filter((c) => !c.long)) {
    it(`${c.id}: ${c.purpose}`, async () => {
      const result = await runCase(c, CASE_TIMEOUT_MS);
      expect(result.verdict, `${c.id}: ${result.message ?? ''}`).toBe('PASS');
    });
  }
});

describe('the suite itself', () => {
  it('names every case once, by a SIG ID or an ATTACK/ ID', () => {
    const ids = ALL_CASES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids)
      expect(id).toMatch(
        /^(SM\/(CEN\/|PER\/)?[A-Z]+\/B[VI]-\d\d-C|GAP\/[A-Z]+\/[A-Z]+\/B[VI]-\d\d-C|ATTACK\/[A-Z0-9-]+)$/,
      );
  });

  it('covers every LE row of the SM test-case map in the roles it lists', () => {
    const ids = new Set(ALL_CASES.map((c) => c.id));
    expect(SM_MAP_IDS.filter((id) => !ids.has(id))).toEqual([]);
    expect([...ids].filter((id) => id.startsWith('SM/') && !SM_MAP_IDS.includes(id))).toEqual([]);
  });
});
