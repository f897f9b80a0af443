/**
 * Attacks below and beside SMP: abusive L2CAP fragmentation, ATT request floods and pipelined requests, and
 * BLESA (a spoofed "bonded" peer that never encrypts and serves data in plaintext).
 */

import { PacketBoundary } from '@tsble/base';
import { type ConformanceCase, settle, sleep, verify, within } from '../case.js';
import type { Iut } from '../iut.js';
import { IUT_UUIDS } from '../iut-service.js';
import { spoofGattServer } from '../lower-tester/att-spoof.js';
import type { LowerTester } from '../lower-tester/link.js';
import { AUTH, KEYS } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { linkCentral, linkPeripheral, pairAsCentral } from './setup.js';

const ATT_CID = 0x0004;
const READ_HANDLE_1 = Uint8Array.of(0x0a, 0x01, 0x00);
const START = PacketBoundary.firstNonFlushable;
const CONT = PacketBoundary.continuation;

function frame(cid: number, payload: Uint8Array, length = payload.length): Uint8Array {
  return Uint8Array.of(length & 0xff, length >> 8, cid & 0xff, cid >> 8, ...payload);
}

/** The IUT still serves ATT: a Read of handle 1 gets a response (on this link, or on a new one if it dropped this). */
async function stillServing(lt: LowerTester, iut: Iut, step: string): Promise<void> {
  if (!lt.connected) await iut.acceptFrom(lt);
  lt.pending(ATT_CID);
  await lt.sendFrame(ATT_CID, READ_HANDLE_1);
  const reply = await lt.receive(ATT_CID, 2000);
  verify(reply && (reply[0] === 0x0b || reply[0] === 0x01), `after ${step}: the IUT no longer answers ATT`);
}

const ABUSES: { name: string; fragments: [number, Uint8Array][] }[] = [
  { name: 'a continuation with no start', fragments: [[CONT, Uint8Array.of(1, 2, 3, 4, 5)]] },
  {
    name: 'a truncated frame then a new start',
    fragments: [[START, frame(ATT_CID, new Uint8Array(10), 100)]],
  },
  {
    name: 'a 65535-octet announcement fed 1350 octets',
    fragments: [
      [START, frame(ATT_CID, new Uint8Array(20), 0xffff)],
      ...Array.from({ length: 50 }, () => [CONT, new Uint8Array(27)] as [number, Uint8Array]),
    ],
  },
  {
    name: 'empty frames on ATT and SMP',
    fragments: [
      [START, frame(ATT_CID, new Uint8Array(0))],
      [START, frame(0x0006, new Uint8Array(0))],
    ],
  },
  {
    name: 'frames to unknown CIDs',
    fragments: [0x0001, 0x0003, 0x0007, 0x003f, 0x0040, 0xffff].map(
      (cid) => [START, frame(cid, Uint8Array.of(1, 2, 3))] as [number, Uint8Array],
    ),
  },
  {
    name: 'a 2-octet first fragment',
    fragments: [
      [START, Uint8Array.of(3, 0)],
      [CONT, Uint8Array.of(4, 0, 0x0a, 0x01, 0x00)],
    ],
  },
  {
    name: 'a frame longer than its length field',
    fragments: [[START, Uint8Array.of(...frame(ATT_CID, READ_HANDLE_1), 0xde, 0xad, 0xbe, 0xef)]],
  },
  {
    name: 'garbage on the signaling channel',
    fragments: [[START, frame(0x0005, Uint8Array.of(0xff, 0x01, 0x40, 0x00, ...new Uint8Array(64)))]],
  },
  { name: 'an empty ACL packet', fragments: [[START, new Uint8Array(0)]] },
];

export const linkAttackCases: ConformanceCase[] = [
  {
    id: 'ATTACK/L2CAP-FRAGMENT-ABUSE',
    purpose:
      'Orphan continuations, truncated and oversized frames, short headers, unknown CIDs: the IUT survives and keeps serving',
    async run(t) {
      const { lt, iut } = await linkPeripheral(t);
      for (const abuse of ABUSES) {
        for (const [pb, data] of abuse.fragments) await lt.sendAcl(pb as 0 | 1, data).catch(() => undefined);
        await sleep(20);
        await stillServing(lt, iut, abuse.name);
        t.note(`${abuse.name}: ${lt.connected ? 'served' : 'dropped the link'}`);
      }
    },
  },
  {
    id: 'ATTACK/ATT-REQUEST-FLOOD',
    purpose:
      '2000 ATT requests without waiting: no more answers than requests, memory stays bounded, the IUT keeps serving',
    async run(t) {
      const { lt, iut } = await linkPeripheral(t);
      const before = process.memoryUsage().heapUsed;
      const sends: Promise<void>[] = [];
      for (let i = 0; i < 2000; i++) sends.push(lt.sendFrame(ATT_CID, READ_HANDLE_1).catch(() => undefined));
      await Promise.all(sends);
      await sleep(500);
      const answers = lt.pending(ATT_CID);
      const grown = (process.memoryUsage().heapUsed - before) / 1e6;
      t.note(
        `${answers.length} answers to 2000 requests, heap +${grown.toFixed(1)} MB, link ${lt.connected ? 'up' : 'dropped'}`,
      );
      verify(answers.length <= 2000, `${answers.length} answers to 2000 requests`);
      verify(grown < 64, `the heap grew by ${grown.toFixed(1)} MB`);
      await stillServing(lt, iut, 'the flood');
    },
  },
  {
    id: 'ATTACK/ATT-SEQUENTIAL-WITHOUT-WAIT',
    purpose:
      'Pipelined requests (a client that does not wait for responses) get at most one answer each, in order',
    async run(t) {
      const { lt, iut } = await linkPeripheral(t);
      const requests = [
        READ_HANDLE_1,
        Uint8Array.of(0x0a, 0x02, 0x00),
        Uint8Array.of(0x10, 0x01, 0x00, 0xff, 0xff, 0x00, 0x28),
      ];
      for (const request of requests) await lt.sendFrame(ATT_CID, request);
      await sleep(200);
      const answers = lt.pending(ATT_CID);
      const expected = [
        [0x0b, 0x0a],
        [0x0b, 0x0a],
        [0x11, 0x10],
      ];
      t.note(`answers: ${answers.map((a) => `0x${a[0]?.toString(16)}`).join(', ') || 'none'}`);
      verify(answers.length <= requests.length, `${answers.length} answers to ${requests.length} requests`);
      answers.forEach((answer, i) => {
        const [ok, request] = expected[i]!;
        verify(
          answer[0] === ok || (answer[0] === 0x01 && answer[1] === request),
          `answer ${i + 1} (opcode 0x${answer[0]?.toString(16)}) does not answer request ${i + 1}`,
        );
      });
      await stillServing(lt, iut, 'pipelined requests');
    },
  },
  {
    id: 'ATTACK/BLESA-NO-PLAINTEXT-FALLBACK',
    purpose:
      'BLESA: a spoofed bonded peer that never encrypts and serves plaintext data gets no read from the IUT',
    async run(t) {
      const linked = await linkCentral(t);
      const run = await pairAsCentral(t, linked, {
        features: features({ authReq: AUTH.bonding | AUTH.sc, initKeys: KEYS.id, respKeys: KEYS.id }),
      });
      verify(
        run.outcome.kind === 'complete' && linked.iut.store.list().length === 1,
        `bonding: ${run.outcome.kind}`,
      );
      await linked.lt.disconnect();
      // The impersonator: same address, no keys; it refuses any LTK request (it has no key) and serves GATT in
      // the clear.
      const again = await linked.iut.connectTo(linked.lt);
      const refuseKeys = linked.lt
        .waitLtkRequest(4000)
        .then((request) => (request ? linked.lt.replyLtk(undefined) : undefined));
      const spoof = spoofGattServer(
        linked.lt,
        IUT_UUIDS.service,
        IUT_UUIDS.encrypted,
        new TextEncoder().encode('spoofed'),
      );
      const read = await within(settle(again.gatt.read(IUT_UUIDS.service, IUT_UUIDS.encrypted)), 4000);
      spoof.stop();
      await refuseKeys.catch(() => undefined);
      const value = read?.ok && read.value.ok ? new TextDecoder().decode(read.value.value) : undefined;
      t.note(
        `read: ${value !== undefined ? `"${value}"` : read?.ok && !read.value.ok ? String(read.value.error) : 'no answer'}; encrypted ${again.encrypted}`,
      );
      verify(
        value === undefined,
        `the IUT read "${value}" from its bonded peer over an unencrypted link (it should encrypt from the bond first and refuse plaintext)`,
      );
    },
  },
];
