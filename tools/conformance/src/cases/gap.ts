/**
 * GAP cases the SM suite points to: privacy with resolvable private addresses (Core 6.0 Vol 3 Part C 10.7,
 * Vol 6 Part B 1.3.2.2) and a bond the peer lost (Vol 3 Part C 10.3.2, Vol 3 Part H 2.4.4.2). Our reading of
 * each GAP.TS case is in its purpose line.
 */
import { BondLostError, formatAddress } from '@tsble/host';
import { generateRpa, randomBytes, resolveRpa, SMP_CID, SmpOpcode } from '@tsble/smp-core';
import { type ConformanceCase, sleep, verify, within } from '../case.js';
import { AUTH, KEYS } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import {
  describeReport,
  iutPaired,
  linkCentral,
  linkPeripheral,
  pairAsCentral,
  pairAsPeripheral,
} from './setup.js';

const ROTATION_MS = 300;
const SC = AUTH.bonding | AUTH.sc;

function isRpa(address: Uint8Array): boolean {
  return ((address[5] ?? 0) & 0xc0) === 0x40;
}

export const gapCases: ConformanceCase[] = [
  {
    id: 'GAP/PRIV/CONN/BV-10-C',
    purpose:
      'Peripheral privacy: connectable with an RPA that resolves with its distributed IRK, and a new RPA after the rotation period',
    async run(t) {
      const linked = await linkPeripheral(t, { privacy: { rotationMs: ROTATION_MS } });
      const first = linked.lt.peer!.bytes.slice();
      verify(linked.lt.peer!.type === 1 && isRpa(first), 'the IUT did not use a resolvable private address');
      const run = await pairAsPeripheral(t, linked, {
        features: features({ authReq: SC, initKeys: 0, respKeys: KEYS.id }),
      });
      verify(run.outcome.kind === 'complete', `pairing: ${run.outcome.kind}; ${describeReport(run.report)}`);
      const irk = run.outcome.state.iutKeys.find((p) => p[0] === SmpOpcode.identityInformation)?.slice(1);
      verify(irk && resolveRpa(first, irk), "the IUT's RPA does not resolve with the IRK it distributed");
      await linked.lt.disconnect();
      await sleep(ROTATION_MS * 2);
      await linked.iut.acceptFrom(linked.lt);
      const second = linked.lt.peer!.bytes;
      verify(isRpa(second) && resolveRpa(second, irk), 'the new address is not an RPA of the same IRK');
      verify(
        formatAddress({ bytes: second, type: 'random' }) !== formatAddress({ bytes: first, type: 'random' }),
        'the RPA did not change after the rotation period',
      );
    },
  },
  {
    id: 'GAP/PRIV/CONN/BV-11-C',
    purpose:
      'Central privacy: connects with an RPA; after bonding each new RPA resolves to the IUT via its IRK',
    async run(t) {
      const linked = await linkCentral(t, { privacy: { rotationMs: ROTATION_MS } });
      const first = linked.lt.peer!.bytes.slice();
      verify(
        linked.lt.peer!.type === 1 && isRpa(first),
        'the IUT did not initiate with a resolvable private address',
      );
      const run = await pairAsCentral(t, linked, {
        features: features({ authReq: SC, initKeys: KEYS.id, respKeys: 0 }),
      });
      verify(run.outcome.kind === 'complete', `pairing: ${run.outcome.kind}; ${describeReport(run.report)}`);
      const irk = run.outcome.state.iutKeys.find((p) => p[0] === SmpOpcode.identityInformation)?.slice(1);
      verify(irk && resolveRpa(first, irk), "the IUT's RPA does not resolve with the IRK it distributed");
      await linked.lt.disconnect();
      await sleep(ROTATION_MS * 2);
      await linked.iut.connectTo(linked.lt);
      const second = linked.lt.peer!.bytes;
      verify(
        isRpa(second) && resolveRpa(second, irk),
        'the reconnection address is not an RPA of the same IRK',
      );
      verify(
        formatAddress({ bytes: second, type: 'random' }) !== formatAddress({ bytes: first, type: 'random' }),
        'the RPA did not change after the rotation period',
      );
    },
  },
  {
    id: 'GAP/PRIV/CONN/BV-12-C',
    purpose:
      "A bonded peer returns with a fresh RPA: the IUT resolves it to the peer's identity and encrypts from the bond",
    async run(t) {
      const linked = await linkPeripheral(t);
      const irk = randomBytes(16);
      const identity = linked.lt.identity;
      const run = await pairAsPeripheral(t, linked, {
        features: features({ authReq: SC, initKeys: KEYS.id, respKeys: 0 }),
        ltKeys: { irk, identity: { type: identity.type, address: identity.bytes } },
      });
      verify(
        run.outcome.kind === 'complete' && iutPaired(run.report),
        `pairing: ${run.outcome.kind}; ${describeReport(run.report)}`,
      );
      const ltk = run.outcome.state.key!;
      await linked.lt.disconnect();
      await linked.lt.useRandomAddress(generateRpa(irk));
      const again = await linked.iut.acceptFrom(linked.lt);
      const want = formatAddress({ bytes: identity.bytes, type: identity.type === 0 ? 'public' : 'random' });
      verify(
        again.identity === want,
        `the IUT knows the peer as ${again.identity}, not its identity ${want}`,
      );
      const result = await linked.lt.startEncryption(ltk, 0, new Uint8Array(8));
      verify(
        result?.status === 0 && result.enabled,
        `encryption from the bond failed (0x${result?.status.toString(16)})`,
      );
    },
  },
  {
    id: 'GAP/SEC/AUT/BV-22-C',
    purpose:
      'Lost bond: the peer refuses the stored key; the IUT reports it (BondLostError), no plaintext use, no silent re-pairing',
    async run(t) {
      const linked = await linkCentral(t);
      const run = await pairAsCentral(t, linked, {
        features: features({ authReq: SC, initKeys: KEYS.id, respKeys: KEYS.id }),
      });
      verify(run.outcome.kind === 'complete', `bonding: ${run.outcome.kind}`);
      await linked.lt.disconnect();
      const again = await linked.iut.connectTo(linked.lt);
      const encrypting = again.encrypt();
      const request = await linked.lt.waitLtkRequest(2000);
      verify(request, 'the IUT did not try to encrypt with its bond');
      await linked.lt.replyLtk(undefined); // the LT "lost" the bond
      const result = await within(encrypting, 3000);
      verify(
        result && !result.ok && result.error instanceof BondLostError,
        `encrypt() ended with ${result ? (result.ok ? 'success' : String(result.error)) : 'nothing'}`,
      );
      verify(!again.encrypted, 'the IUT considers the link encrypted');
      const smpAfter = await linked.lt.receive(SMP_CID, 300);
      verify(
        !smpAfter,
        `the IUT started SMP on its own (opcode 0x${smpAfter?.[0]?.toString(16)}) after the lost bond`,
      );
      verify(
        linked.iut.store.list().length === 1,
        'the IUT dropped the bond by itself; the application decides',
      );
    },
  },
];
