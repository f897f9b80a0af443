/**
 * SM.TS 1.5: encryption key size (Core 6.0 Vol 3 Part H 2.3.4, 3.5.1). Min_Encryption_Key_Length is 7 (the
 * auto-pts IXIT default); the IUT is configured with minKeySize 7. A key shorter than 16 octets is masked:
 * the LT encrypts with the masked key, so an IUT that used the full key fails the (virtual) MIC check.
 */
import { SmpOpcode } from '@tsble/smp-core';
import { type ConformanceCase, verify, within } from '../case.js';
import { AUTH, KEYS, maskKey, sameBytes } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import {
  describeReport,
  iutFailed,
  iutPaired,
  linkCentral,
  linkPeripheral,
  pairAsCentral,
  pairAsPeripheral,
} from './setup.js';

const MIN = 7;

export const keySizeCases: ConformanceCase[] = [
  {
    id: 'SM/CEN/EKS/BV-01-C',
    purpose: 'Central pairs with a 7-octet key, bonds, and later re-encrypts with the stored (masked) LTK',
    async run(t) {
      const linked = await linkCentral(t, { pairing: { leSecure: false, minKeySize: MIN } });
      const ltk = maskKey(crypto.getRandomValues(new Uint8Array(16)), MIN);
      const rand = crypto.getRandomValues(new Uint8Array(8));
      const run = await pairAsCentral(t, linked, {
        features: features({ authReq: AUTH.bonding, maxKeySize: MIN, initKeys: 0, respKeys: KEYS.enc }),
        ltKeys: { ltk, ediv: 0x2468, rand },
      });
      verify(
        run.outcome.kind === 'complete' && iutPaired(run.report),
        `pairing: ${run.outcome.kind}; ${describeReport(run.report)}`,
      );
      verify(run.report.paired.keySize === MIN, `the IUT reports key size ${run.report.paired.keySize}`);
      await linked.lt.disconnect();
      const again = await linked.iut.connectTo(linked.lt);
      const encrypting = again.encrypt();
      const request = await linked.lt.waitLtkRequest(2000);
      verify(request, 'the IUT did not start encryption from its bond');
      verify(
        request.ediv === 0x2468 && sameBytes(request.rand, rand),
        'the IUT encrypted with an EDIV/Rand that the LT did not distribute',
      );
      await linked.lt.replyLtk(ltk);
      const done = await within(encrypting, 3000);
      verify(done?.ok, `re-encryption failed: ${done && !done.ok ? String(done.error) : 'no answer'}`);
      verify(again.keySize === MIN, `the re-encrypted link reports key size ${again.keySize}`);
    },
  },
  {
    id: 'SM/PER/EKS/BV-02-C',
    purpose:
      'Peripheral pairs with a 7-octet key; on reconnection answers the LTK request with the masked LTK',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { minKeySize: MIN } });
      const run = await pairAsPeripheral(t, linked, { features: features({ maxKeySize: MIN }) });
      verify(
        run.outcome.kind === 'complete' && iutPaired(run.report),
        `pairing: ${run.outcome.kind}; ${describeReport(run.report)}`,
      );
      verify(run.report.paired.keySize === MIN, `the IUT reports key size ${run.report.paired.keySize}`);
      const key = run.outcome.state.key!;
      await linked.lt.disconnect();
      const again = await linked.iut.acceptFrom(linked.lt);
      const result = await linked.lt.startEncryption(key, 0, new Uint8Array(8));
      verify(
        result?.status === 0 && result.enabled,
        `encryption with the stored LTK failed (status 0x${result?.status.toString(16)})`,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      verify(
        again.encrypted && again.keySize === MIN,
        `the IUT sees encrypted=${again.encrypted}, key size ${again.keySize}`,
      );
    },
  },
  {
    id: 'SM/CEN/EKS/BI-01-C',
    purpose: 'Central refuses a responder whose Maximum Encryption Key Size is below its minimum (0x06)',
    async run(t) {
      const linked = await linkCentral(t, { pairing: { minKeySize: MIN } });
      const run = await pairAsCentral(t, linked, { features: features({ maxKeySize: MIN - 1 }) });
      verify(
        run.outcome.kind === 'iut-failed' && (run.outcome.reason === 0x06 || run.outcome.reason === 0x0a),
        `expected Pairing Failed 0x06 (or 0x0A); LT ${run.outcome.kind}`,
      );
      verify(iutFailed(run.report), describeReport(run.report));
    },
  },
  {
    id: 'SM/PER/EKS/BI-02-C',
    purpose: 'Peripheral refuses an initiator whose Maximum Encryption Key Size is below its minimum (0x06)',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { minKeySize: MIN } });
      const run = await pairAsPeripheral(t, linked, { features: features({ maxKeySize: MIN - 1 }) });
      verify(
        run.outcome.kind === 'iut-failed' && (run.outcome.reason === 0x06 || run.outcome.reason === 0x0a),
        `expected Pairing Failed 0x06 (or 0x0A); LT ${run.outcome.kind}`,
      );
      verify(
        run.outcome.state.received.every((pdu) => pdu[0] !== SmpOpcode.pairingResponse),
        'the IUT answered with a Pairing Response first',
      );
    },
  },
];
