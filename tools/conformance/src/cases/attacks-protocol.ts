/**
 * Attacks on the pairing procedure itself: legacy downgrade against Secure Connections Only mode, replacing a
 * bond with a weaker one, PDUs after the SMP timeout, out of order, and duplicated.
 */
import { randomBytes, SMP_CID, SmpOpcode } from '@tsble/smp-core';
import { type ConformanceCase, type Harness, settleWithin, sleep, verify } from '../case.js';
import { AUTH, featuresPdu, KEYS, opName, smp } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { passkeyFrom } from './legacy-pke.js';
import {
  describeReport,
  iutFailed,
  iutPaired,
  linkCentral,
  linkPeripheral,
  pairAsCentral,
  pairAsPeripheral,
  reportPromise,
} from './setup.js';

const SC = AUTH.bonding | AUTH.sc;

/** One out-of-order step: after `prefix` (sent in order), `intruder` arrives where it does not belong. */
interface Misorder {
  name: string;
  prefix: (lt: Uint8Array) => Uint8Array[];
  intruder: Uint8Array;
}

const ZERO16 = new Uint8Array(16);
const MISORDERS: Misorder[] = [
  { name: 'Pairing Confirm before Pairing Request', prefix: () => [], intruder: smp.confirm(ZERO16) },
  { name: 'Pairing Random before any Confirm', prefix: (preq) => [preq], intruder: smp.random(ZERO16) },
  { name: 'DHKey Check before the public keys', prefix: (preq) => [preq], intruder: smp.dhKeyCheck(ZERO16) },
  {
    name: 'Encryption Information before encryption',
    prefix: (preq) => [preq],
    intruder: smp.encryptionInformation(randomBytes(16)),
  },
  {
    name: 'Identity Information before encryption',
    prefix: (preq) => [preq],
    intruder: smp.identityInformation(randomBytes(16)),
  },
  {
    name: 'a second Pairing Request mid-pairing',
    prefix: (preq) => [preq],
    intruder: featuresPdu(SmpOpcode.pairingRequest, features()),
  },
  {
    name: 'Pairing Response to a peripheral',
    prefix: () => [],
    intruder: featuresPdu(SmpOpcode.pairingResponse, features()),
  },
];

export const protocolAttackCases: ConformanceCase[] = [
  {
    id: 'ATTACK/LEGACY-DOWNGRADE-SC-ONLY',
    purpose: 'In Secure Connections Only mode, a legacy peer is refused (0x03) in both roles',
    async run(t) {
      const legacy = features({ authReq: AUTH.bonding });
      const central = await pairAsCentral(t, await linkCentral(t, { pairing: { scOnly: true } }), {
        features: legacy,
      });
      verify(
        central.outcome.kind === 'iut-failed' && central.outcome.reason === 0x03,
        `central: ${central.outcome.kind}; ${describeReport(central.report)}`,
      );
      const peripheral = await pairAsPeripheral(t, await linkPeripheral(t, { pairing: { scOnly: true } }), {
        features: legacy,
      });
      verify(
        peripheral.outcome.kind === 'iut-failed' && peripheral.outcome.reason === 0x03,
        `peripheral: ${peripheral.outcome.kind}; ${describeReport(peripheral.report)}`,
      );
      verify(!central.connection.encrypted && !peripheral.connection.encrypted, 'a link was encrypted');
    },
  },
  {
    id: 'ATTACK/BOND-OVERWRITE-WEAKER',
    purpose:
      'An authenticated bond is not replaced by a later unauthenticated (Just Works) pairing from the same identity',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { io: 'display' } });
      const strong = await pairAsPeripheral(t, linked, {
        features: features({ io: 4, authReq: SC | AUTH.mitm, initKeys: KEYS.id, respKeys: KEYS.id }),
        passkey: passkeyFrom(linked.iut),
      });
      verify(
        strong.outcome.kind === 'complete' && iutPaired(strong.report) && strong.report.paired.authenticated,
        `authenticated bonding: ${describeReport(strong.report)}`,
      );
      const before = linked.iut.store.list()[0];
      await linked.lt.disconnect();
      await linked.iut.acceptFrom(linked.lt);
      const weak = await pairAsPeripheral(
        t,
        { ...linked, connection: [...linked.iut.host.connections.values()][0]! },
        { features: features({ io: 3, authReq: SC, initKeys: KEYS.id, respKeys: KEYS.id }) },
      );
      const after = linked.iut.store.list()[0];
      t.note(
        `weaker pairing: ${weak.outcome.kind}${weak.outcome.kind === 'iut-failed' ? ` 0x${weak.outcome.reason.toString(16)}` : ''}`,
      );
      verify(
        after?.localLtk?.ltk === before?.localLtk?.ltk && after?.localLtk?.authenticated === true,
        'the authenticated bond was replaced by a weaker one',
      );
      verify(
        weak.outcome.kind !== 'complete',
        'the weaker pairing completed (and encrypted the link) although its keys could not be kept',
      );
    },
  },
  {
    id: 'ATTACK/SMP-TIMEOUT-LATE-PDU',
    purpose: 'A peer stalls mid LE SC pairing: the IUT times out after 30 s and ignores every later SMP PDU',
    long: true,
    async run(t) {
      const linked = await linkPeripheral(t);
      const report = reportPromise(linked.connection);
      const outcome = await t.pair(linked.lt, {
        features: features({ authReq: SC }),
        stopAfter: 'public-key',
      });
      verify(outcome.kind === 'stopped', `the LT did not reach the public key exchange: ${outcome.kind}`);
      const settled = await settleWithin(report, t.clock, 35_000);
      const got = settled?.ok ? settled.value : { silent: true as const };
      verify(iutFailed(got) && got.failed.timedOut, `the IUT did not time out: ${describeReport(got)}`);
      linked.lt.pending(SMP_CID); // what it sent before the timeout
      for (const late of [
        smp.random(randomBytes(16)),
        smp.dhKeyCheck(randomBytes(16)),
        featuresPdu(SmpOpcode.pairingRequest, features()),
        smp.failed(0x08),
      ]) {
        await linked.lt.sendFrame(SMP_CID, late);
      }
      await sleep(300);
      const answers = linked.lt.pending(SMP_CID);
      verify(
        answers.length === 0,
        `the IUT answered late PDUs: ${answers.map((p) => opName(p[0])).join(', ')}`,
      );
    },
  },
  {
    id: 'ATTACK/OUT-OF-ORDER',
    purpose:
      'SMP PDUs out of order (confirm first, random early, DHKey check or keys before encryption, ...) fail the pairing and never encrypt',
    async run(t) {
      for (const misorder of MISORDERS) await outOfOrder(t, misorder);
    },
  },
  {
    id: 'ATTACK/DUPLICATE-PDU',
    purpose:
      'Duplicated Pairing Request, Public Key, Confirm or Random PDUs never lead to a pairing with inconsistent keys',
    async run(t) {
      for (const step of ['pairing-request', 'public-key', 'random', 'dhkey-check']) {
        const linked = await linkPeripheral(t);
        let sent = false;
        const run = await pairAsPeripheral(
          t,
          linked,
          {
            features: features({ authReq: SC }),
            wait: 800,
            beforeSend: (name, pdu) => {
              if (name === step && !sent) {
                sent = true;
                void linked.lt.sendFrame(SMP_CID, pdu); // the same PDU twice, back to back
              }
              return pdu;
            },
          },
          1500,
        );
        t.note(
          `${step} twice: ${run.outcome.kind}${run.outcome.kind === 'iut-failed' ? ` 0x${run.outcome.reason.toString(16)}` : ''}`,
        );
        const consistent =
          run.outcome.kind === 'complete'
            ? iutPaired(run.report) && linked.connection.encrypted
            : !iutPaired(run.report);
        verify(consistent, `${step} twice: LT ${run.outcome.kind}; ${describeReport(run.report)}`);
      }
    },
  },
];

async function outOfOrder(t: Harness, misorder: Misorder): Promise<void> {
  const linked = await linkPeripheral(t);
  const preq = featuresPdu(SmpOpcode.pairingRequest, features());
  const prefix = misorder.prefix(preq);
  for (const pdu of prefix) await linked.lt.sendFrame(SMP_CID, pdu);
  if (prefix.length) {
    // The IUT's answer to the in-order part (its Pairing Response) must be out of the way first.
    const response = await linked.lt.receive(SMP_CID, 2000);
    verify(
      response?.[0] === SmpOpcode.pairingResponse,
      `${misorder.name}: no Pairing Response to the prefix`,
    );
  }
  await linked.lt.sendFrame(SMP_CID, misorder.intruder);
  await sleep(100);
  const answers = linked.lt.pending(SMP_CID);
  const failedOrSilent = answers.every((pdu) => pdu[0] === SmpOpcode.pairingFailed);
  t.note(
    `${misorder.name}: ${answers.length ? answers.map((p) => `${opName(p[0])}${p[0] === SmpOpcode.pairingFailed ? ` 0x${p[1]?.toString(16)}` : ''}`).join(', ') : 'ignored'}`,
  );
  verify(failedOrSilent, `${misorder.name}: the IUT answered ${answers.map((p) => opName(p[0])).join(', ')}`);
  verify(!linked.connection.encrypted, `${misorder.name}: the link is encrypted`);
  const result = await linked.lt.startEncryption(new Uint8Array(16), 0, new Uint8Array(8), 500);
  verify(
    !(result?.status === 0 && result.enabled),
    `${misorder.name}: the IUT then accepted encryption with a guessable key`,
  );
}
