/**
 * SM.TS 1.1: the SMP timeout (Core 6.0 Vol 3 Part H 3.4): 30 s after the last SMP command, the pairing
 * fails, the upper layer hears of it, and no further SMP traffic happens on that link. Time goes through the
 * harness clock: real seconds from the command line, simulated ones under Vitest (see Clock).
 */
import { PairingError } from '@tsble/host';
import { SMP_CID, SmpOpcode } from '@tsble/smp-core';
import { type ConformanceCase, settleWithin, verify, within } from '../case.js';
import { AUTH, featuresPdu, smp } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { describeReport, iutFailed, linkCentral, linkPeripheral, reportPromise } from './setup.js';

const TIMEOUT_S = 30;
const LATE_S = 10;

export const timeoutCases: ConformanceCase[] = [
  {
    id: 'SM/CEN/PROT/BV-01-C',
    purpose:
      'Central times out 30 s after an unanswered Pairing Request, reports it, ignores the late answer',
    long: true,
    async run(t) {
      const linked = await linkCentral(t);
      const started = t.clock.now();
      const pairing = linked.connection.pair();
      const preq = await linked.lt.receive(SMP_CID, 2000);
      verify(preq?.[0] === SmpOpcode.pairingRequest, 'the IUT sent no Pairing Request');
      const result = await settleWithin(pairing, t.clock, (TIMEOUT_S + 5) * 1000);
      const elapsed = (t.clock.now() - started) / 1000;
      const error = result && !result.ok ? result.error : undefined;
      verify(
        error instanceof PairingError && error.timedOut,
        `the IUT did not report a timeout (${error ? String(error) : 'no report'})`,
      );
      verify(
        elapsed >= TIMEOUT_S - 0.5 && elapsed <= TIMEOUT_S + 3,
        `the IUT timed out after ${elapsed.toFixed(1)} s`,
      );
      await t.clock.sleep(LATE_S * 1000);
      await linked.lt.sendFrame(
        SMP_CID,
        featuresPdu(SmpOpcode.pairingResponse, features({ authReq: AUTH.bonding | AUTH.sc })),
      );
      const answer = await linked.lt.receive(SMP_CID, 1000);
      verify(
        !answer || !linked.lt.connected,
        `the IUT answered the late Pairing Response with opcode 0x${answer?.[0]?.toString(16)}`,
      );
      const again = await within(linked.connection.pair(), 500);
      const more = await linked.lt.receive(SMP_CID, 300);
      verify(!more, `the IUT sent SMP (opcode 0x${more?.[0]?.toString(16)}) on the link after its timeout`);
      verify(again === undefined || !again.ok, 'a new pairing succeeded on the timed-out link');
    },
  },
  {
    id: 'SM/PER/PROT/BV-02-C',
    purpose:
      'Peripheral times out 30 s after its Pairing Response when the Pairing Confirm never comes; ignores it late',
    long: true,
    async run(t) {
      const linked = await linkPeripheral(t);
      const report = reportPromise(linked.connection);
      await linked.lt.sendFrame(SMP_CID, featuresPdu(SmpOpcode.pairingRequest, features()));
      const pres = await linked.lt.receive(SMP_CID, 2000);
      verify(pres?.[0] === SmpOpcode.pairingResponse, 'the IUT sent no Pairing Response');
      const started = t.clock.now();
      const settled = await settleWithin(report, t.clock, (TIMEOUT_S + 5) * 1000);
      const got = settled?.ok ? settled.value : { silent: true as const };
      const elapsed = (t.clock.now() - started) / 1000;
      verify(
        iutFailed(got) && got.failed.timedOut,
        `the IUT did not report a timeout: ${describeReport(got)}`,
      );
      verify(
        elapsed >= TIMEOUT_S - 1 && elapsed <= TIMEOUT_S + 3,
        `the IUT timed out after ${elapsed.toFixed(1)} s`,
      );
      await t.clock.sleep(LATE_S * 1000);
      await linked.lt.sendFrame(SMP_CID, smp.confirm(new Uint8Array(16)));
      const answer = await linked.lt.receive(SMP_CID, 1000);
      verify(
        !answer || !linked.lt.connected,
        `the IUT answered the late Pairing Confirm with opcode 0x${answer?.[0]?.toString(16)}`,
      );
      await linked.lt.sendFrame(SMP_CID, featuresPdu(SmpOpcode.pairingRequest, features()));
      const more = await linked.lt.receive(SMP_CID, 500);
      verify(
        !more,
        `the IUT answered a new Pairing Request on the timed-out link (opcode 0x${more?.[0]?.toString(16)})`,
      );
    },
  },
];
