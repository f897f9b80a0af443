/** SM.TS 1.2: LE legacy pairing, Just Works (Core 6.0 Vol 3 Part H 2.3.5.2, 2.3.5.5). */
import { type ConformanceCase, verify } from '../case.js';
import { AUTH, KEYS, smp } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { failedRounds } from './rounds.js';
import {
  describeReport,
  iutFailed,
  iutPaired,
  linkCentral,
  linkPeripheral,
  pairAsCentral,
  pairAsPeripheral,
} from './setup.js';

const LEGACY = { leSecure: false } as const;
const IO = {
  DisplayOnly: 0,
  DisplayYesNo: 1,
  KeyboardOnly: 2,
  NoInputNoOutput: 3,
  KeyboardDisplay: 4,
} as const;

/** A legacy Just Works pairing the IUT must complete with an unauthenticated STK. */
function expectLegacyJustWorks(run: Awaited<ReturnType<typeof pairAsCentral>>): void {
  verify(run.outcome.kind === 'complete', `the LT could not complete the pairing: ${run.outcome.kind}`);
  verify(iutPaired(run.report), describeReport(run.report));
  verify(
    run.report.paired.method === 'just-works' && !run.report.paired.sc && !run.report.paired.authenticated,
    `expected legacy Just Works; ${describeReport(run.report)}`,
  );
  verify(run.connection.encrypted, 'the IUT does not see its link encrypted');
}

export const legacyJustWorksCases: ConformanceCase[] = [
  {
    id: 'SM/CEN/JW/BV-01-C',
    purpose: 'Legacy Just Works as central, no bonding, no MITM; encrypt with the STK',
    async run(t) {
      const linked = await linkCentral(t, { pairing: LEGACY });
      const run = await pairAsCentral(
        t,
        linked,
        { features: features({ io: IO.KeyboardDisplay, authReq: 0, initKeys: 0, respKeys: 0 }) },
        { bond: false, mitm: false },
      );
      const preq = run.outcome.state.preq;
      verify(
        preq && (preq[3]! & 0x03) === 0 && (preq[3]! & AUTH.mitm) === 0,
        `the IUT's Pairing Request AuthReq is 0x${preq?.[3]?.toString(16)}: want bonding 00 and MITM 0`,
      );
      expectLegacyJustWorks(run);
    },
  },
  {
    id: 'SM/PER/JW/BV-02-C',
    purpose: 'Legacy Just Works as peripheral; the central encrypts with the STK',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: LEGACY });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ io: IO.NoInputNoOutput, authReq: AUTH.bonding }),
      });
      expectLegacyJustWorks(run);
    },
  },
  {
    id: 'SM/PER/JW/BI-03-C',
    purpose: 'Peripheral ignores the RFU AuthReq bits of a Pairing Request and sends its own as 0',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: LEGACY });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ authReq: AUTH.bonding | AUTH.rfu }),
      });
      const pres = run.outcome.state.pres;
      verify(
        pres && (pres[3]! & AUTH.rfu) === 0,
        `the IUT's Pairing Response sets RFU AuthReq bits (0x${pres?.[3]?.toString(16)})`,
      );
      expectLegacyJustWorks(run);
    },
  },
  {
    id: 'SM/CEN/JW/BI-04-C',
    purpose: 'Central ignores the RFU AuthReq bits of a Pairing Response',
    async run(t) {
      const linked = await linkCentral(t, { pairing: LEGACY });
      const run = await pairAsCentral(t, linked, {
        features: features({ authReq: AUTH.bonding | AUTH.rfu }),
      });
      expectLegacyJustWorks(run);
    },
  },
  {
    id: 'SM/CEN/JW/BV-05-C',
    purpose:
      'Central aborts and reports each Pairing Failed reason (0x08, 0x05, 0x09, 0x10) sent for its request',
    long: true,
    async run(t) {
      await failedRounds(t, { pairing: LEGACY }, [0x08, 0x05, 0x09, 0x10]);
    },
  },
  {
    id: 'SM/CEN/JW/BI-01-C',
    purpose: 'Central detects a wrong Sconfirm after Srand: Pairing Failed 0x04',
    async run(t) {
      const linked = await linkCentral(t, { pairing: LEGACY });
      const run = await pairAsCentral(t, linked, {
        features: features({ authReq: AUTH.bonding }),
        beforeSend: (name, pdu) => (name === 'confirm' ? flipLast(pdu) : pdu),
      });
      t.expectOutcome(run.outcome, 'iut-failed', 0x04);
      verify(iutFailed(run.report) && run.report.failed.reason === 0x04, describeReport(run.report));
    },
  },
  {
    id: 'SM/PER/JW/BI-02-C',
    purpose: 'Peripheral detects a wrong Mconfirm after Mrand: Pairing Failed 0x04',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: LEGACY });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ authReq: AUTH.bonding }),
        beforeSend: (name, pdu) => (name === 'confirm' ? flipLast(pdu) : pdu),
      });
      t.expectOutcome(run.outcome, 'iut-failed', 0x04);
      verify(iutFailed(run.report) && run.report.failed.reason === 0x04, describeReport(run.report));
    },
  },
  {
    id: 'SM/CEN/JW/BI-06-C',
    purpose: 'Central refuses its own Mconfirm and Mrand reflected back as Sconfirm and Srand',
    async run(t) {
      const linked = await linkCentral(t, { pairing: LEGACY });
      const run = await pairAsCentral(t, linked, {
        features: features({ authReq: AUTH.bonding, initKeys: KEYS.enc, respKeys: KEYS.enc }),
        beforeSend: (name, pdu, state) => {
          if (name === 'confirm') return smp.confirm(state.iut.get('confirm')!);
          if (name === 'random') return smp.random(state.iut.get('random')!);
          return pdu;
        },
      });
      t.expectOutcome(run.outcome, 'iut-failed', 0x04);
      verify(iutFailed(run.report), describeReport(run.report));
    },
  },
];

/** The same PDU with its last octet changed: a wrong confirm or random value. */
export function flipLast(pdu: Uint8Array): Uint8Array {
  const out = pdu.slice();
  out[out.length - 1]! ^= 0x5a;
  return out;
}
