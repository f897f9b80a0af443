/** SM.TS 1.8: peripheral-initiated security, the Security Request (Core 6.0 Vol 3 Part H 2.4.6, 3.6.7). */
import { SMP_CID, SmpOpcode } from '@tsble/smp-core';
import { type ConformanceCase, settle, sleep, verify, within } from '../case.js';
import { AUTH, KEYS, smp } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { passkeyFrom } from './legacy-pke.js';
import { describeReport, iutPaired, linkCentral, linkPeripheral, pairAsPeripheral } from './setup.js';

const SC = AUTH.bonding | AUTH.sc;

export const securityRequestCases: ConformanceCase[] = [
  {
    id: 'SM/PER/PIS/BV-01-C',
    purpose:
      'Peripheral sends a Security Request (MITM) on command; the central pairs and the pairing completes',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { io: 'display', mitm: true } });
      const pairing = settle(linked.connection.pair({ mitm: true }));
      const request = await linked.lt.receive(SMP_CID, 2000);
      verify(
        request?.[0] === SmpOpcode.securityRequest,
        `the IUT sent ${request ? `opcode 0x${request[0]?.toString(16)}` : 'nothing'}, not a Security Request`,
      );
      verify(
        ((request[1] ?? 0) & AUTH.mitm) !== 0,
        `the Security Request AuthReq 0x${request[1]?.toString(16)} lacks MITM`,
      );
      const run = await pairAsPeripheral(t, linked, {
        features: features({ io: 4, authReq: SC | AUTH.mitm }),
        passkey: passkeyFrom(linked.iut),
      });
      verify(
        run.outcome.kind === 'complete' && iutPaired(run.report),
        `pairing: ${run.outcome.kind}; ${describeReport(run.report)}`,
      );
      const result = await within(pairing, 2000);
      verify(
        result?.ok && result.value.ok,
        'pair() on the peripheral did not resolve when the central completed the pairing',
      );
    },
  },
  {
    id: 'SM/CEN/PIS/BV-02-C',
    purpose: 'Central answers a Security Request (MITM) by pairing',
    async run(t) {
      const linked = await linkCentral(t, { pairing: { io: 'keyboard-display', mitm: true } });
      const paired = linked.connection.next('paired');
      await linked.lt.sendFrame(SMP_CID, smp.securityRequest(SC | AUTH.mitm));
      const outcome = await t.pair(linked.lt, {
        features: features({ io: 2, authReq: SC | AUTH.mitm }),
        passkey: passkeyFrom(linked.iut),
      });
      if (outcome.kind === 'iut-failed' && outcome.reason === 0x05)
        return t.note('the IUT answered Pairing Not Supported (allowed)');
      verify(outcome.kind === 'complete', `pairing after the Security Request: ${outcome.kind}`);
      verify(
        ((outcome.state.preq?.[3] ?? 0) & AUTH.mitm) !== 0,
        'the Pairing Request does not ask for MITM although the Security Request did',
      );
      verify(await within(paired, 2000), 'the IUT did not report the pairing');
    },
  },
  {
    id: 'SM/PER/PIS/BV-02-C',
    purpose:
      'Bonded peripheral on an unencrypted link sends a Security Request; the central encrypts with the LTK',
    async run(t) {
      const linked = await linkPeripheral(t);
      const first = await pairAsPeripheral(t, linked, {
        features: features({ authReq: SC, initKeys: KEYS.id, respKeys: KEYS.id }),
      });
      verify(
        first.outcome.kind === 'complete' && linked.iut.store.list().length === 1,
        `bonding: ${first.outcome.kind}; ${describeReport(first.report)}`,
      );
      const ltk = first.outcome.state.key!;
      await linked.lt.disconnect();
      const again = await linked.iut.acceptFrom(linked.lt);
      const asked = settle(again.pair());
      const request = await linked.lt.receive(SMP_CID, 2000);
      verify(
        request?.[0] === SmpOpcode.securityRequest,
        `the IUT sent ${request ? `opcode 0x${request[0]?.toString(16)}` : 'nothing'}, not a Security Request`,
      );
      verify(
        ((request[1] ?? 0) & AUTH.mitm) === 0,
        'the Security Request asks for MITM that the bond never had',
      );
      const result = await linked.lt.startEncryption(ltk, 0, new Uint8Array(8));
      verify(
        result?.status === 0 && result.enabled,
        `encryption with the bonded LTK failed (0x${result?.status.toString(16)})`,
      );
      await sleep(100);
      verify(again.encrypted, 'the IUT does not see its link encrypted');
      void asked;
    },
  },
  {
    id: 'SM/CEN/PIS/BV-03-C',
    purpose: 'Unbonded central answers a Security Request with a Pairing Request and ignores a second one',
    async run(t) {
      const linked = await linkCentral(t);
      await linked.lt.sendFrame(SMP_CID, smp.securityRequest(SC));
      const preq = await linked.lt.receive(SMP_CID, 2000);
      verify(
        preq?.[0] === SmpOpcode.pairingRequest,
        `the IUT answered ${preq ? `opcode 0x${preq[0]?.toString(16)}` : 'nothing'} (it must pair, not encrypt without keys)`,
      );
      await linked.lt.sendFrame(SMP_CID, smp.securityRequest(SC));
      await sleep(200);
      const extra = linked.lt.pending(SMP_CID);
      verify(
        extra.length === 0,
        `the IUT answered the second Security Request with opcode 0x${extra[0]?.[0]?.toString(16)}`,
      );
      const outcome = await t.pair(linked.lt, { features: features({ authReq: SC }), preqReceived: preq });
      verify(outcome.kind === 'complete', `the pairing did not complete: ${outcome.kind}`);
    },
  },
];
