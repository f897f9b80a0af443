/** SM.TS 1.3: LE legacy pairing, Passkey Entry (Core 6.0 Vol 3 Part H 2.3.5.3, 2.3.5.5). */
import { SMP_CID } from '@tsble/smp-core';
import { type ConformanceCase, type Harness, verify, within } from '../case.js';
import { type Iut, TYPED_PASSKEY } from '../iut.js';
import { AUTH, KEYS, smp } from '../lower-tester/smp-frames.js';
import { features, type PairScript } from '../lower-tester/smp-peer.js';
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

const IO = {
  DisplayOnly: 0,
  DisplayYesNo: 1,
  KeyboardOnly: 2,
  NoInputNoOutput: 3,
  KeyboardDisplay: 4,
} as const;
const LEGACY_MITM = { leSecure: false, mitm: true } as const;

/** The LT's passkey: read from the IUT's display when the IUT shows it, else the one the IUT's user types. */
export function passkeyFrom(iut: Iut, change = 0): PairScript['passkey'] {
  return async (who) => ((who === 'iut' ? await iut.nextDisplayed() : TYPED_PASSKEY) + change) % 1_000_000;
}

export function expectAuthenticated(run: PairingRun, sc: boolean, method = 'passkey-entry'): void {
  verify(run.outcome.kind === 'complete', `the LT could not complete the pairing: ${run.outcome.kind}`);
  verify(iutPaired(run.report), describeReport(run.report));
  verify(
    run.report.paired.method === method && run.report.paired.authenticated && run.report.paired.sc === sc,
    `expected authenticated ${method}; ${describeReport(run.report)}`,
  );
  verify(
    run.connection.encrypted && run.connection.authenticated,
    'the IUT does not see its link encrypted and authenticated',
  );
}

async function passkeyRun(t: Harness, mitmResponder: { io: number; change?: number }): Promise<PairingRun> {
  const linked = await linkCentral(t, { pairing: { ...LEGACY_MITM, io: 'keyboard-display' } });
  const change = mitmResponder.change ?? 0;
  return pairAsCentral(t, linked, {
    features: features({ io: mitmResponder.io, authReq: AUTH.bonding | AUTH.mitm }),
    passkey: passkeyFrom(linked.iut, change),
    skipChecks: change !== 0,
  });
}

export const legacyPasskeyCases: ConformanceCase[] = [
  {
    id: 'SM/CEN/PKE/BV-01-C',
    purpose: 'Legacy Passkey Entry as central against a KeyboardOnly responder; authenticated STK',
    async run(t) {
      expectAuthenticated(await passkeyRun(t, { io: IO.KeyboardOnly }), false);
    },
  },
  {
    id: 'SM/PER/PKE/BV-02-C',
    purpose: 'Legacy Passkey Entry as peripheral (IUT displays) for a KeyboardDisplay initiator',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { ...LEGACY_MITM, io: 'display' } });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ io: IO.KeyboardDisplay, authReq: AUTH.bonding | AUTH.mitm }),
        passkey: passkeyFrom(linked.iut),
      });
      expectAuthenticated(run, false);
    },
  },
  {
    id: 'SM/CEN/PKE/BV-04-C',
    purpose: 'Central falls back to Just Works against a NoInputNoOutput responder without MITM',
    async run(t) {
      const linked = await linkCentral(t, { pairing: { leSecure: false, io: 'keyboard-display' } });
      const run = await pairAsCentral(t, linked, {
        features: features({ io: IO.NoInputNoOutput, authReq: AUTH.bonding }),
      });
      verify(
        run.outcome.kind === 'complete' && iutPaired(run.report),
        `expected success; ${describeReport(run.report)}`,
      );
      verify(
        run.report.paired.method === 'just-works' && !run.report.paired.authenticated,
        describeReport(run.report),
      );
    },
  },
  {
    id: 'SM/PER/PKE/BV-05-C',
    purpose: 'Peripheral requiring MITM meets a NoInputNoOutput initiator: Just Works or Pairing Failed 0x03',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { ...LEGACY_MITM, io: 'display' } });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ io: IO.NoInputNoOutput, authReq: AUTH.bonding }),
      });
      const justWorks =
        run.outcome.kind === 'complete' &&
        iutPaired(run.report) &&
        run.report.paired.method === 'just-works' &&
        !run.report.paired.authenticated;
      const refused = run.outcome.kind === 'iut-failed' && run.outcome.reason === 0x03;
      verify(
        justWorks || refused,
        `neither Just Works nor 0x03: ${run.outcome.kind}; ${describeReport(run.report)}`,
      );
      if (refused) t.note('the IUT refused with Authentication Requirements (allowed)');
    },
  },
  {
    id: 'SM/CEN/PKE/BI-01-C',
    purpose: 'Central detects a responder that entered a different passkey: Pairing Failed 0x04',
    async run(t) {
      const run = await passkeyRun(t, { io: IO.KeyboardOnly, change: 1 });
      t.expectOutcome(run.outcome, 'iut-failed', 0x04);
      verify(iutFailed(run.report) && run.report.failed.reason === 0x04, describeReport(run.report));
    },
  },
  {
    id: 'SM/CEN/PKE/BI-02-C',
    purpose: 'Central aborts and reports Pairing Failed 0x01 Passkey Entry Failed from the responder',
    async run(t) {
      const linked = await linkCentral(t, { pairing: { ...LEGACY_MITM, io: 'keyboard-display' } });
      const iutSide = linked.connection.pair();
      const outcome = await t.pair(linked.lt, {
        features: features({ io: IO.KeyboardOnly, authReq: AUTH.bonding | AUTH.mitm }),
        stopAfter: 'pairing-response',
      });
      verify(outcome.kind === 'stopped', `the LT did not reach the Pairing Response: ${outcome.kind}`);
      await linked.lt.sendFrame(SMP_CID, smp.failed(0x01));
      const result = await within(iutSide, 3000);
      verify(
        result && !result.ok && (result.error as { reason?: number }).reason === 0x01,
        `the IUT reported ${result ? (result.ok ? 'success' : String(result.error)) : 'nothing'}`,
      );
    },
  },
  {
    id: 'SM/PER/PKE/BI-03-C',
    purpose: 'Peripheral detects an initiator that used a different passkey: Pairing Failed 0x04',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { ...LEGACY_MITM, io: 'display' } });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ io: IO.KeyboardDisplay, authReq: AUTH.bonding | AUTH.mitm }),
        passkey: passkeyFrom(linked.iut, 7),
      });
      t.expectOutcome(run.outcome, 'iut-failed', 0x04);
      verify(iutFailed(run.report) && run.report.failed.reason === 0x04, describeReport(run.report));
    },
  },
  {
    id: 'SM/CEN/PKE/BV-05-C',
    purpose: 'Three pairings (bond removed in between): the displayed passkeys are random and differ',
    async run(t) {
      const lt = await t.lowerTester();
      const iut = await t.iut({ pairing: { ...LEGACY_MITM, io: 'display' } });
      const seen: number[] = [];
      for (let round = 0; round < 3; round++) {
        const connection = await iut.connectTo(lt);
        const run = await pairAsCentral(
          t,
          { lt, iut, connection },
          {
            features: features({ io: IO.KeyboardOnly, authReq: AUTH.bonding | AUTH.mitm }),
            passkey: async () => {
              const shown = await iut.nextDisplayed();
              seen.push(shown);
              return shown;
            },
          },
        );
        expectAuthenticated(run, false);
        await connection.disconnect();
        for (const bond of iut.store.list()) await iut.host.forget(bond.address);
      }
      verify(new Set(seen).size === 3, `passkeys repeat: ${seen.join(', ')}`);
    },
  },
  {
    id: 'SM/CEN/PKE/BI-03-C',
    purpose: 'Central refuses its own Mconfirm reflected back as Sconfirm in Passkey Entry',
    async run(t) {
      const linked = await linkCentral(t, { pairing: { ...LEGACY_MITM, io: 'keyboard-display' } });
      const run = await pairAsCentral(t, linked, {
        features: features({
          io: IO.KeyboardOnly,
          authReq: AUTH.bonding | AUTH.mitm,
          initKeys: KEYS.enc,
          respKeys: KEYS.enc,
        }),
        passkey: passkeyFrom(linked.iut),
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
