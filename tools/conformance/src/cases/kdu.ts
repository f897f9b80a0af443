/** SM.TS 1.7: key distribution and usage (Core 6.0 Vol 3 Part H 3.6, 2.4.3). */
import { SMP_CID, SmpOpcode } from '@tsble/smp-core';
import { type ConformanceCase, type Harness, sleep, verify } from '../case.js';
import { AUTH, hex, KEYS, opName, smp } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { failsWithDhKeyCheck, neverCompletes } from './invalid-keys.js';
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

const LEGACY = AUTH.bonding;
const SC = AUTH.bonding | AUTH.sc;

const ORDER: Record<number, number[]> = {
  [KEYS.enc]: [SmpOpcode.encryptionInformation, SmpOpcode.centralIdentification],
  [KEYS.id]: [SmpOpcode.identityInformation, SmpOpcode.identityAddressInformation],
  [KEYS.sign]: [SmpOpcode.signingInformation],
};

/** The IUT sent exactly the PDUs for `bits`, in the order of Figure 3.13, and nothing after. */
async function expectKeys(t: Harness, run: PairingRun, bits: number): Promise<void> {
  verify(run.outcome.kind === 'complete', `pairing: ${run.outcome.kind}; ${describeReport(run.report)}`);
  await sleep(100);
  const extra = run.lt.pending(SMP_CID);
  const sent = [...run.outcome.state.iutKeys, ...extra].map((pdu) => pdu[0]);
  const want = [KEYS.enc, KEYS.id, KEYS.sign].filter((b) => bits & b).flatMap((b) => ORDER[b]!);
  verify(
    sent.join() === want.join(),
    `the IUT distributed [${sent.map(opName).join(', ')}], want [${want.map(opName).join(', ')}]`,
  );
  const address = run.outcome.state.iutKeys.find((pdu) => pdu[0] === SmpOpcode.identityAddressInformation);
  if (address) {
    verify(
      address[1] === 0 || address[1] === 1,
      `Identity Address Information type 0x${address[1]?.toString(16)}`,
    );
    const identity = run.iut.host.identityAddress;
    verify(
      hex(address.slice(2)) === hex(identity.bytes),
      'the distributed identity address is not the IUT identity address',
    );
    if (address[1] === 1)
      verify(((address[7] ?? 0) & 0xc0) === 0xc0, 'the identity address is random but not static');
  }
  verify(iutPaired(run.report), describeReport(run.report));
  t.note(`keys: ${sent.map(opName).join(', ') || 'none'}`);
}

function peripheralDistributes(id: string, sc: boolean, bits: number, what: string): ConformanceCase {
  return {
    id,
    purpose: `${sc ? 'LE SC' : 'Legacy'}: asked for ${what} only, the peripheral sends exactly that`,
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { leSecure: sc } });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ authReq: sc ? SC : LEGACY, initKeys: 0, respKeys: bits }),
      });
      await expectKeys(t, run, bits);
    },
  };
}

function centralDistributes(id: string, sc: boolean, bits: number, what: string): ConformanceCase {
  return {
    id,
    purpose: `${sc ? 'LE SC' : 'Legacy'}: initiator key distribution ${what}, the central sends exactly that`,
    async run(t) {
      const linked = await linkCentral(t, { pairing: { leSecure: sc } });
      const run = await pairAsCentral(t, linked, {
        features: features({ authReq: sc ? SC : LEGACY, initKeys: bits, respKeys: 0 }),
      });
      await expectKeys(t, run, bits);
    },
  };
}

/** The LT rejects the IUT's keys with Pairing Failed 0x0F (Key Rejected) instead of sending its own. */
function keyRejected(id: string, sc: boolean): ConformanceCase {
  return {
    id,
    purpose: `${sc ? 'LE SC' : 'Legacy'}: the initiator answers the peripheral's keys with Key Rejected; the IUT aborts and reports`,
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { leSecure: sc } });
      const report = nextReport(linked.connection, 3000);
      const respKeys = KEYS.id | KEYS.sign | (sc ? 0 : KEYS.enc);
      const outcome = await t.pair(linked.lt, {
        features: features({ authReq: sc ? SC : LEGACY, initKeys: KEYS.id, respKeys }),
        beforeSend: (name, pdu) => (name === 'identity-information' ? smp.failed(0x0f) : pdu),
        stopAfter: 'identity-information',
      });
      verify(outcome.kind === 'stopped', `the LT did not reach key distribution: ${outcome.kind}`);
      const sent = outcome.state.iutKeys.map((pdu) => pdu[0]);
      const want = [KEYS.enc, KEYS.id, KEYS.sign].filter((b) => respKeys & b).flatMap((b) => ORDER[b]!);
      verify(
        sent.join() === want.join(),
        `the IUT distributed [${sent.map(opName).join(', ')}] before the rejection`,
      );
      const got = await report;
      verify(iutFailed(got) && got.failed.reason === 0x0f, describeReport(got));
      if (linked.iut.store.list().length > 0) t.note('the IUT kept a bond from the rejected pairing');
    },
  };
}

export const keyDistributionCases: ConformanceCase[] = [
  peripheralDistributes('SM/PER/KDU/BV-01-C', false, KEYS.enc, 'EncKey'),
  peripheralDistributes('SM/PER/KDU/BV-02-C', false, KEYS.id, 'IdKey'),
  peripheralDistributes('SM/PER/KDU/BV-03-C', false, KEYS.sign, 'SignKey'),
  peripheralDistributes('SM/PER/KDU/BV-08-C', true, KEYS.id, 'IdKey'),
  peripheralDistributes('SM/PER/KDU/BV-09-C', true, KEYS.sign, 'SignKey'),
  centralDistributes('SM/CEN/KDU/BV-04-C', false, KEYS.sign, 'SignKey'),
  centralDistributes('SM/CEN/KDU/BV-05-C', false, KEYS.id, 'IdKey'),
  centralDistributes('SM/CEN/KDU/BV-06-C', false, KEYS.enc, 'EncKey'),
  centralDistributes('SM/CEN/KDU/BV-10-C', true, KEYS.id, 'IdKey'),
  centralDistributes('SM/CEN/KDU/BV-11-C', true, KEYS.sign, 'SignKey'),
  {
    id: 'SM/PER/KDU/BV-07-C',
    purpose: 'After legacy pairing, the LT re-encrypts the live link with the distributed LTK/EDIV/Rand',
    async run(t) {
      const linked = await linkPeripheral(t, { pairing: { leSecure: false } });
      const run = await pairAsPeripheral(t, linked, {
        features: features({ authReq: LEGACY, initKeys: 0, respKeys: KEYS.enc }),
      });
      await expectKeys(t, run, KEYS.enc);
      const [info, ident] = run.outcome.state.iutKeys;
      const ltk = info!.slice(1, 17);
      const ediv = ident![1]! | (ident![2]! << 8);
      const result = await linked.lt.startEncryption(ltk, ediv, ident!.slice(3, 11));
      verify(
        result?.status === 0 && result.enabled,
        `re-encryption with the distributed key failed (status 0x${result?.status.toString(16)})`,
      );
      verify(linked.connection.encrypted, 'the IUT no longer sees its link encrypted');
    },
  },
  keyRejected('SM/PER/KDU/BI-02-C', false),
  keyRejected('SM/PER/KDU/BI-03-C', true),
];

export const invalidKeyCases: ConformanceCase[] = [
  {
    id: 'SM/PER/KDU/BI-01-C',
    purpose: 'LE SC with invalid public keys (rounds 1-4): the peripheral never completes the pairing',
    run: (t) => neverCompletes(t, 'peripheral'),
  },
  {
    id: 'SM/CEN/KDU/BI-01-C',
    purpose: 'LE SC with invalid public keys (rounds 1-4): the central never completes the pairing',
    run: (t) => neverCompletes(t, 'central'),
  },
  {
    id: 'SM/PER/KDU/BI-04-C',
    purpose: 'Invalid public keys (rounds 1-4): the peripheral sends Pairing Failed 0x0B right away',
    run: (t) => failsWithDhKeyCheck(t, 'peripheral'),
  },
  {
    id: 'SM/CEN/KDU/BI-04-C',
    purpose:
      "Invalid public keys (rounds 1-5, 5 = the IUT's own X): the central sends Pairing Failed 0x0B right away",
    run: (t) => failsWithDhKeyCheck(t, 'central'),
  },
];
