/**
 * SM.TS 1.4: LE legacy pairing with OOB (Core 6.0 Vol 3 Part H 2.3.5.4): legacy OOB needs both OOB flags
 * and one shared 128-bit TK; with one flag it falls back to Passkey Entry or Just Works.
 */
import type { OobData } from '@tsble/host';
import { randomBytes } from '@tsble/smp-core';
import { type ConformanceCase, type Harness, verify } from '../case.js';
import type { IutOptions } from '../iut.js';
import { AUTH } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { passkeyFrom } from './legacy-pke.js';
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

const IO = { KeyboardOnly: 2, NoInputNoOutput: 3, KeyboardDisplay: 4 } as const;

/** The IUT's legacy TK, through the pairing delegate's `oobData` (its OOB flag shows whether it took it). */
function iutWithOob(tk: Uint8Array, base: IutOptions): IutOptions {
  return { ...base, delegate: { oobData: (): OobData => ({ tk }) } };
}

type Who = 'both' | 'iut' | 'lt';

async function oobRun(
  t: Harness,
  role: 'central' | 'peripheral',
  who: Who,
  lt: { io: number; mitm: boolean },
  tks: { iut: Uint8Array; lt: Uint8Array },
): Promise<PairingRun> {
  const iutOptions: IutOptions = { pairing: { leSecure: false, mitm: lt.mitm, io: 'keyboard-display' } };
  const options = who === 'lt' ? iutOptions : iutWithOob(tks.iut, iutOptions);
  const linked = role === 'central' ? await linkCentral(t, options) : await linkPeripheral(t, options);
  const script = {
    features: features({ io: lt.io, oob: who !== 'iut', authReq: AUTH.bonding | (lt.mitm ? AUTH.mitm : 0) }),
    tk: tks.lt,
    passkey: passkeyFrom(linked.iut),
    skipChecks: tks.iut !== tks.lt,
  };
  return role === 'central' ? pairAsCentral(t, linked, script) : pairAsPeripheral(t, linked, script);
}

function iutOobFlag(run: PairingRun): boolean {
  const pdu = run.lt.role === 'peripheral' ? run.outcome.state.preq : run.outcome.state.pres;
  return pdu?.[2] === 1;
}

function expectMethod(run: PairingRun, methods: string[], alternatives: number[] = []): void {
  if (run.outcome.kind === 'iut-failed' && alternatives.includes(run.outcome.reason)) return;
  verify(
    run.outcome.kind === 'complete' && iutPaired(run.report),
    `expected success; LT ${run.outcome.kind}; ${describeReport(run.report)}`,
  );
  verify(
    methods.includes(run.report.paired.method),
    `expected ${methods.join(' or ')}; ${describeReport(run.report)}`,
  );
}

function oobCases(
  role: 'central' | 'peripheral',
  ids: [string, string, string, string, string, string],
): ConformanceCase[] {
  const tk = randomBytes(16);
  const per = role === 'peripheral';
  return [
    {
      id: ids[0],
      purpose: `Legacy OOB as ${role}: both sides have the same TK`,
      async run(t) {
        const run = await oobRun(
          t,
          role,
          'both',
          { io: IO.KeyboardDisplay, mitm: false },
          { iut: tk, lt: tk },
        );
        verify(
          iutOobFlag(run),
          'the IUT did not set its OOB data flag although its delegate supplied a legacy TK',
        );
        expectMethod(run, ['oob']);
      },
    },
    {
      id: ids[1],
      purpose: `Legacy, only the IUT (${role}) has OOB data: falls back to Passkey Entry`,
      async run(t) {
        const run = await oobRun(
          t,
          role,
          'iut',
          { io: per ? IO.KeyboardDisplay : IO.KeyboardOnly, mitm: true },
          { iut: tk, lt: tk },
        );
        verify(
          iutOobFlag(run),
          'the IUT did not set its OOB data flag although its delegate supplied a legacy TK',
        );
        expectMethod(run, ['passkey-entry']);
      },
    },
    {
      id: ids[2],
      purpose: `Legacy, only the LT has OOB data, MITM: the IUT (${role}) falls back to Passkey Entry`,
      async run(t) {
        const run = await oobRun(
          t,
          role,
          'lt',
          { io: per ? IO.KeyboardDisplay : IO.KeyboardOnly, mitm: true },
          { iut: tk, lt: tk },
        );
        expectMethod(run, ['passkey-entry'], per ? [0x02, 0x03] : []);
      },
    },
    {
      id: ids[3],
      purpose: `Legacy, only the LT has OOB data, NoInputNoOutput, no MITM: Just Works (IUT ${role})`,
      async run(t) {
        const run = await oobRun(t, role, 'lt', { io: IO.NoInputNoOutput, mitm: false }, { iut: tk, lt: tk });
        expectMethod(run, ['just-works'], per ? [0x02, 0x03] : []);
      },
    },
    {
      id: ids[4],
      purpose: `Legacy, only the IUT (${role}) has OOB data, LT NoInputNoOutput, no MITM: Just Works`,
      async run(t) {
        const run = await oobRun(
          t,
          role,
          'iut',
          { io: IO.NoInputNoOutput, mitm: false },
          { iut: tk, lt: tk },
        );
        verify(
          iutOobFlag(run),
          'the IUT did not set its OOB data flag although its delegate supplied a legacy TK',
        );
        expectMethod(run, ['just-works'], per ? [0x03] : []);
      },
    },
    {
      id: ids[5],
      purpose: `Legacy OOB as ${role} with different TKs: confirm mismatch, Pairing Failed`,
      async run(t) {
        const run = await oobRun(
          t,
          role,
          'both',
          { io: IO.KeyboardDisplay, mitm: false },
          { iut: tk, lt: randomBytes(16) },
        );
        verify(
          iutOobFlag(run),
          'the IUT did not set its OOB data flag although its delegate supplied a legacy TK',
        );
        verify(
          run.outcome.kind === 'iut-failed' && iutFailed(run.report),
          `expected the IUT to fail the pairing; LT ${run.outcome.kind}; ${describeReport(run.report)}`,
        );
      },
    },
  ];
}

export const legacyOobCases: ConformanceCase[] = [
  ...oobCases('central', [
    'SM/CEN/OOB/BV-01-C',
    'SM/CEN/OOB/BV-03-C',
    'SM/CEN/OOB/BV-05-C',
    'SM/CEN/OOB/BV-07-C',
    'SM/CEN/OOB/BV-09-C',
    'SM/CEN/OOB/BI-01-C',
  ]),
  ...oobCases('peripheral', [
    'SM/PER/OOB/BV-02-C',
    'SM/PER/OOB/BV-04-C',
    'SM/PER/OOB/BV-06-C',
    'SM/PER/OOB/BV-08-C',
    'SM/PER/OOB/BV-10-C',
    'SM/PER/OOB/BI-02-C',
  ]),
];
