/** SM.TS 1.9: LE Secure Connections Just Works and Numeric Comparison (Core 6.0 Vol 3 Part H 2.3.5.6.2). */

import { SMP_CID } from '@tsble/smp-core';
import { type ConformanceCase, type Harness, verify } from '../case.js';
import { AUTH, smp } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { failedRounds } from './rounds.js';
import {
  describeReport,
  iutFailed,
  iutPaired,
  linkCentral,
  linkPeripheral,
  nextReport,
  type PairingRun,
  pairAsCentral,
  pairAsPeripheral,
} from './setup.js';

const IO = { DisplayOnly: 0, DisplayYesNo: 1, NoInputNoOutput: 3, KeyboardDisplay: 4 } as const;
const SC = AUTH.bonding | AUTH.sc;

/** Non-passkey combinations against an IUT with DisplayYesNo: JW, NC, JW, NC. */
const COMBOS = [
  { io: IO.DisplayOnly, mitm: false, method: 'just-works' },
  { io: IO.DisplayYesNo, mitm: true, method: 'numeric-comparison' },
  { io: IO.NoInputNoOutput, mitm: false, method: 'just-works' },
  { io: IO.KeyboardDisplay, mitm: true, method: 'numeric-comparison' },
] as const;

export function expectScSuccess(run: PairingRun, method: string): void {
  verify(
    run.outcome.kind === 'complete',
    `the LT could not complete the pairing: ${run.outcome.kind}; ${describeReport(run.report)}`,
  );
  verify(iutPaired(run.report), describeReport(run.report));
  verify(
    run.report.paired.sc && run.report.paired.method === method,
    `expected LE SC ${method}; ${describeReport(run.report)}`,
  );
  if (method === 'numeric-comparison') {
    const shown = run.iut.comparisons.at(-1);
    verify(
      shown === run.outcome.state.numeric,
      `the IUT asked to compare ${shown}, the LT computed ${run.outcome.state.numeric}`,
    );
  }
}

/** Three rounds of every combination; the IUT's nonce must be fresh in every Authentication Stage 1. */
async function freshNonces(t: Harness, role: 'central' | 'peripheral'): Promise<void> {
  const lt = await t.lowerTester();
  const iut = await t.iut({ pairing: { io: 'display-yesno' } });
  const nonces = new Set<string>();
  let pairings = 0;
  for (let round = 0; round < 3; round++) {
    for (const combo of COMBOS) {
      const connection = role === 'central' ? await iut.connectTo(lt) : await iut.acceptFrom(lt);
      const script = { features: features({ io: combo.io, authReq: SC | (combo.mitm ? AUTH.mitm : 0) }) };
      const run =
        role === 'central'
          ? await pairAsCentral(t, { lt, iut, connection }, script)
          : await pairAsPeripheral(t, { lt, iut, connection }, script);
      expectScSuccess(run, combo.method);
      nonces.add(Array.from(run.outcome.state.iut.get('random') ?? []).join());
      pairings++;
      await lt.disconnect();
      for (const bond of iut.store.list()) await iut.host.forget(bond.address);
    }
  }
  verify(nonces.size === pairings, `the IUT reused a nonce: ${nonces.size} distinct in ${pairings} pairings`);
}

export const scJustWorksCases: ConformanceCase[] = [
  {
    id: 'SM/CEN/SCJW/BV-01-C',
    purpose: 'LE SC JW/NC as central, 3 rounds of every combination, a fresh nonce each time',
    run: (t) => freshNonces(t, 'central'),
  },
  {
    id: 'SM/PER/SCJW/BV-02-C',
    purpose: 'LE SC JW/NC as peripheral, 3 rounds of every combination, a fresh nonce each time',
    run: (t) => freshNonces(t, 'peripheral'),
  },
  {
    id: 'SM/PER/SCJW/BV-03-C',
    purpose: 'Peripheral ignores RFU AuthReq bits in an LE SC Pairing Request',
    async run(t) {
      const linked = await linkPeripheral(t);
      const run = await pairAsPeripheral(t, linked, { features: features({ authReq: SC | AUTH.rfu }) });
      verify(
        ((run.outcome.state.pres?.[3] ?? 0) & AUTH.rfu) === 0,
        'the IUT set RFU bits in its Pairing Response',
      );
      expectScSuccess(run, 'just-works');
    },
  },
  {
    id: 'SM/CEN/SCJW/BV-04-C',
    purpose: 'Central ignores RFU AuthReq bits in an LE SC Pairing Response',
    async run(t) {
      const linked = await linkCentral(t);
      const run = await pairAsCentral(t, linked, { features: features({ authReq: SC | AUTH.rfu }) });
      verify(
        ((run.outcome.state.preq?.[3] ?? 0) & AUTH.rfu) === 0,
        'the IUT set RFU bits in its Pairing Request',
      );
      expectScSuccess(run, 'just-works');
    },
  },
  {
    id: 'SM/CEN/SCJW/BI-01-C',
    purpose: 'Central aborts and reports Pairing Failed 0x03, 0x08, 0x05, 0x09, then 0x0C in phase 2',
    long: true,
    run: (t) =>
      failedRounds(t, { pairing: { io: 'display-yesno', mitm: true } }, [0x03, 0x08, 0x05, 0x09], {
        reason: 0x0c,
        after: 'random',
        script: { features: features({ io: IO.DisplayYesNo, authReq: SC | AUTH.mitm }) },
      }),
  },
  {
    id: 'SM/PER/SCJW/BI-02-C',
    purpose: 'Peripheral aborts when the initiator sends Pairing Failed (Confirm Value Failed) in phase 2',
    async run(t) {
      const linked = await linkPeripheral(t);
      const report = nextReport(linked.connection);
      const outcome = await t.pair(linked.lt, { features: features({ authReq: SC }), stopAfter: 'random' });
      verify(outcome.kind === 'stopped', `the LT did not reach phase 2: ${outcome.kind}`);
      await linked.lt.sendFrame(SMP_CID, smp.failed(0x04));
      const got = await report;
      verify(iutFailed(got) && got.failed.reason === 0x04 && got.failed.byPeer, describeReport(got));
      verify(!linked.connection.encrypted, 'the link is encrypted');
    },
  },
];
