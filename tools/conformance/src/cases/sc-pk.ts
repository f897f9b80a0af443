/** SM.TS 1.10: LE Secure Connections Passkey Entry (Core 6.0 Vol 3 Part H 2.3.5.6.3). */
import { SmpOpcode } from '@tsble/smp-core';
import { type ConformanceCase, verify } from '../case.js';
import { AUTH } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { flipLast } from './legacy-jw.js';
import { expectAuthenticated, passkeyFrom } from './legacy-pke.js';
import { failedRounds, failedRoundsAsInitiator } from './rounds.js';
import {
  describeReport,
  iutFailed,
  linkCentral,
  linkPeripheral,
  pairAsCentral,
  pairAsPeripheral,
} from './setup.js';

const IO = { DisplayOnly: 0, KeyboardOnly: 2, KeyboardDisplay: 4 } as const;
const SC_MITM = AUTH.bonding | AUTH.sc | AUTH.mitm;

export const scPasskeyCases: ConformanceCase[] = [
  {
    id: 'SM/CEN/SCPK/BV-01-C',
    purpose: 'LE SC Passkey Entry as central against a KeyboardOnly responder (keypress offered)',
    async run(t) {
      const linked = await linkCentral(t, { pairing: { io: 'keyboard-display', mitm: true } });
      const run = await pairAsCentral(t, linked, {
        features: features({ io: IO.KeyboardOnly, authReq: SC_MITM | AUTH.keypress }),
        passkey: passkeyFrom(linked.iut),
      });
      expectAuthenticated(run, true);
    },
  },
  {
    id: 'SM/PER/SCPK/BV-02-C',
    purpose:
      'LE SC Passkey Entry as peripheral (IUT displays); no keypress notifications unless the peer set keypress',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { io: 'display', mitm: true } });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ io: IO.KeyboardDisplay, authReq: SC_MITM }),
        passkey: passkeyFrom(linked.iut),
      });
      expectAuthenticated(run, true);
      verify(
        !run.outcome.state.received.some((pdu) => pdu[0] === SmpOpcode.pairingKeypressNotification),
        'the IUT sent keypress notifications the LT did not ask for',
      );
    },
  },
  {
    id: 'SM/PER/SCPK/BV-03-C',
    purpose: 'Peripheral ignores RFU AuthReq bits in an LE SC Passkey Entry pairing',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { io: 'display', mitm: true } });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ io: IO.KeyboardDisplay, authReq: SC_MITM | AUTH.rfu }),
        passkey: passkeyFrom(linked.iut),
      });
      expectAuthenticated(run, true);
    },
  },
  {
    id: 'SM/CEN/SCPK/BV-04-C',
    purpose: 'Central ignores RFU AuthReq bits in an LE SC Passkey Entry pairing',
    async run(t) {
      const linked = await linkCentral(t, { pairing: { io: 'keyboard-display', mitm: true } });
      const run = await pairAsCentral(t, linked, {
        features: features({ io: IO.KeyboardOnly, authReq: SC_MITM | AUTH.rfu }),
        passkey: passkeyFrom(linked.iut),
      });
      expectAuthenticated(run, true);
    },
  },
  {
    id: 'SM/CEN/SCPK/BI-01-C',
    purpose: 'Central aborts and reports Pairing Failed 0x03, 0x08, 0x05, 0x09, then 0x01 in phase 2',
    long: true,
    run: (t) =>
      failedRounds(t, { pairing: { io: 'keyboard-display', mitm: true } }, [0x03, 0x08, 0x05, 0x09], {
        reason: 0x01,
        after: 'public-key',
        script: { features: features({ io: IO.KeyboardOnly, authReq: SC_MITM }) },
      }),
  },
  {
    id: 'SM/CEN/SCPK/BI-02-C',
    purpose: 'Central detects a wrong Pairing Confirm in the passkey rounds: Pairing Failed 0x04',
    async run(t) {
      const linked = await linkCentral(t, { pairing: { io: 'keyboard-display', mitm: true } });
      const run = await pairAsCentral(t, linked, {
        features: features({ io: IO.KeyboardOnly, authReq: SC_MITM }),
        passkey: passkeyFrom(linked.iut),
        beforeSend: (name, pdu, state) => (name === 'confirm' && state.round === 3 ? flipLast(pdu) : pdu),
      });
      t.expectOutcome(run.outcome, 'iut-failed', 0x04);
      verify(iutFailed(run.report) && run.report.failed.reason === 0x04, describeReport(run.report));
    },
  },
  {
    id: 'SM/PER/SCPK/BI-03-C',
    purpose: 'Peripheral detects a wrong Pairing Confirm in the passkey rounds: Pairing Failed 0x04',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { io: 'display', mitm: true } });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ io: IO.KeyboardDisplay, authReq: SC_MITM }),
        passkey: passkeyFrom(linked.iut),
        beforeSend: (name, pdu, state) => (name === 'confirm' && state.round === 0 ? flipLast(pdu) : pdu),
      });
      t.expectOutcome(run.outcome, 'iut-failed', 0x04);
      verify(iutFailed(run.report) && run.report.failed.reason === 0x04, describeReport(run.report));
    },
  },
  {
    id: 'SM/PER/SCPK/BI-04-C',
    purpose:
      'Peripheral aborts and reports Pairing Failed 0x03, 0x08, 0x05, 0x09, then 0x01 from the initiator',
    long: true,
    run: (t) =>
      failedRoundsAsInitiator(
        t,
        { pairing: { io: 'display', mitm: true } },
        [0x03, 0x08, 0x05, 0x09, 0x01],
        features({ io: IO.KeyboardDisplay, authReq: SC_MITM }),
      ),
  },
  {
    id: 'SM/CEN/SCPK/BV-05-C',
    purpose: 'Three LE SC passkey pairings (bond removed in between): the passkeys are random and differ',
    async run(t) {
      const lt = await t.lowerTester();
      const iut = await t.iut({ pairing: { io: 'display', mitm: true } });
      const seen: number[] = [];
      for (let round = 0; round < 3; round++) {
        const connection = await iut.connectTo(lt);
        const run = await pairAsCentral(
          t,
          { lt, iut, connection },
          {
            features: features({ io: IO.KeyboardOnly, authReq: SC_MITM }),
            passkey: async () => {
              const shown = await iut.nextDisplayed();
              seen.push(shown);
              return shown;
            },
          },
        );
        expectAuthenticated(run, true);
        await connection.disconnect();
        for (const bond of iut.store.list()) await iut.host.forget(bond.address);
      }
      verify(new Set(seen).size === 3, `passkeys repeat: ${seen.join(', ')}`);
    },
  },
];
