/**
 * SM.TS 1.11: LE Secure Connections OOB (Core 6.0 Vol 3 Part H 2.3.5.6.4). One side's OOB data suffices.
 * The IUT receives the LT's (r, C) through the pairing delegate's `oobData`; its own comes from smp-core's
 * `generateScOobData` through the `oob.localSc` pairing option, and the LT is handed its (r, C).
 */
import type { OobData } from '@tsble/host';
import { f4, generateScOobData, p256GenerateKeyPair, randomBytes } from '@tsble/smp-core';
import { type ConformanceCase, type Harness, verify } from '../case.js';
import type { IutOptions } from '../iut.js';
import { AUTH } from '../lower-tester/smp-frames.js';
import { features, type PairScript } from '../lower-tester/smp-peer.js';
import { failedRounds, failedRoundsAsInitiator } from './rounds.js';
import {
  describeReport,
  iutFailed,
  iutPaired,
  linkCentral,
  linkPeripheral,
  type PairingRun,
  pairAsCentral,
  pairAsPeripheral,
} from './setup.js';

const SC = AUTH.bonding | AUTH.sc;

async function ltOobData() {
  const keyPair = await p256GenerateKeyPair();
  const random = randomBytes(16);
  return { keyPair, random, confirm: f4(keyPair.publicKey.x, keyPair.publicKey.x, random, 0) };
}

/** IUT options giving it the LT's OOB data (`confirm` replaced when a case wants it wrong). */
function iutHolding(data: { random: Uint8Array; confirm: Uint8Array }): IutOptions {
  return { delegate: { oobData: (): OobData => ({ random: data.random, confirm: data.confirm }) } };
}

interface Combo {
  /** The IUT received the LT's OOB data. */
  iutHasLt: boolean;
  /** The LT received the IUT's OOB data (needs an API the host does not have). */
  ltHasIut: boolean;
}

const COMBOS: Combo[] = [
  { iutHasLt: true, ltHasIut: true },
  { iutHasLt: true, ltHasIut: false },
  { iutHasLt: false, ltHasIut: true },
];

async function oobPairing(
  t: Harness,
  role: 'central' | 'peripheral',
  combo: Combo,
  authReq = SC,
  wrongConfirm = false,
): Promise<PairingRun> {
  const data = await ltOobData();
  const given = wrongConfirm ? { ...data, confirm: randomBytes(16) } : data;
  const iutOwn = combo.ltHasIut ? await generateScOobData() : undefined;
  const options: IutOptions = {
    ...(combo.iutHasLt ? iutHolding(given) : {}),
    ...(iutOwn ? { pairing: { oob: { localSc: iutOwn } } } : {}),
  };
  const linked = role === 'central' ? await linkCentral(t, options) : await linkPeripheral(t, options);
  const script: PairScript = {
    features: features({ authReq, oob: combo.ltHasIut }),
    scOob: {
      local: { keyPair: data.keyPair, random: data.random },
      ...(iutOwn ? { peer: { random: iutOwn.random, confirm: iutOwn.confirm } } : {}),
    },
  };
  return role === 'central' ? pairAsCentral(t, linked, script) : pairAsPeripheral(t, linked, script);
}

function iutOobFlag(run: PairingRun, combo: Combo = { iutHasLt: true, ltHasIut: false }): boolean {
  if (!combo.iutHasLt) return true; // its flag is rightly 0 then
  const pdu = run.lt.role === 'peripheral' ? run.outcome.state.preq : run.outcome.state.pres;
  return pdu?.[2] === 1;
}

function expectOob(run: PairingRun, combo?: Combo): void {
  verify(
    iutOobFlag(run, combo),
    'the IUT did not set its OOB data flag although its delegate supplied OOB data',
  );
  verify(
    run.outcome.kind === 'complete' && iutPaired(run.report),
    `LT ${run.outcome.kind}; ${describeReport(run.report)}`,
  );
  verify(
    run.report.paired.method === 'oob' && run.report.paired.sc && run.report.paired.authenticated,
    describeReport(run.report),
  );
}

function combos(role: 'central' | 'peripheral'): (t: Harness) => Promise<void> {
  return async (t) => {
    const failures: string[] = [];
    for (const combo of COMBOS) {
      try {
        expectOob(await oobPairing(t, role, combo), combo);
      } catch (error) {
        failures.push(
          `{IUT has LT data ${combo.iutHasLt ? 1 : 0}, LT has IUT data ${combo.ltHasIut ? 1 : 0}}: ${(error as Error).message}`,
        );
      }
    }
    verify(failures.length === 0, failures.join(' | '));
  };
}

function wrongData(role: 'central' | 'peripheral'): (t: Harness) => Promise<void> {
  return async (t) => {
    const run = await oobPairing(t, role, { iutHasLt: true, ltHasIut: false }, SC, true);
    verify(iutOobFlag(run), 'the IUT did not set its OOB data flag although its delegate supplied OOB data');
    t.expectOutcome(run.outcome, 'iut-failed', 0x04);
    verify(iutFailed(run.report), describeReport(run.report));
  };
}

export const scOobCases: ConformanceCase[] = [
  {
    id: 'SM/CEN/SCOB/BV-01-C',
    purpose: 'LE SC OOB as central with OOB flags {1,1}, {1,0}, {0,1}',
    run: combos('central'),
  },
  {
    id: 'SM/PER/SCOB/BV-02-C',
    purpose: 'LE SC OOB as peripheral with OOB flags {1,1}, {1,0}, {0,1}',
    run: combos('peripheral'),
  },
  {
    id: 'SM/PER/SCOB/BV-03-C',
    purpose: 'Peripheral ignores RFU AuthReq bits in an LE SC OOB pairing',
    run: async (t) =>
      expectOob(await oobPairing(t, 'peripheral', { iutHasLt: true, ltHasIut: false }, SC | AUTH.rfu)),
  },
  {
    id: 'SM/CEN/SCOB/BV-04-C',
    purpose: 'Central ignores RFU AuthReq bits in an LE SC OOB pairing',
    run: async (t) =>
      expectOob(await oobPairing(t, 'central', { iutHasLt: true, ltHasIut: false }, SC | AUTH.rfu)),
  },
  {
    id: 'SM/CEN/SCOB/BI-01-C',
    purpose: 'Central aborts and reports Pairing Failed 0x03, 0x08, 0x05, 0x09, then 0x02 OOB Not Available',
    long: true,
    run: async (t) => {
      const data = await ltOobData();
      await failedRounds(t, iutHolding(data), [0x03, 0x08, 0x05, 0x09], {
        reason: 0x02,
        after: 'pairing-response',
        script: { features: features({ authReq: SC }) },
      });
    },
  },
  {
    id: 'SM/PER/SCOB/BI-02-C',
    purpose:
      'Peripheral aborts and reports Pairing Failed 0x03, 0x08, 0x05, 0x09, then 0x02 OOB Not Available',
    long: true,
    run: async (t) =>
      failedRoundsAsInitiator(
        t,
        iutHolding(await ltOobData()),
        [0x03, 0x08, 0x05, 0x09, 0x02],
        features({ authReq: SC }),
      ),
  },
  {
    id: 'SM/PER/SCOB/BI-03-C',
    purpose: 'Peripheral given wrong OOB data detects Ca != f4(PKa, PKa, ra, 0): Pairing Failed 0x04',
    run: wrongData('peripheral'),
  },
  {
    id: 'SM/CEN/SCOB/BI-04-C',
    purpose: 'Central given wrong OOB data detects Cb != f4(PKb, PKb, rb, 0): Pairing Failed 0x04',
    run: wrongData('central'),
  },
];
