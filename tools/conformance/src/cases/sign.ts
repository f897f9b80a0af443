/**
 * SM.TS 1.6: data signing with the CSRK (Core 6.0 Vol 3 Part H 2.4.5; Vol 3 Part F 3.4.5.4 Signed Write
 * Command). The LT computes and checks signatures itself from the spec formula.
 */

import type { CharacteristicDefinition } from '@tsble/att-gatt';
import { aesCmac, SmpOpcode } from '@tsble/smp-core';
import { type ConformanceCase, type Harness, sleep, verify } from '../case.js';
import type { Iut } from '../iut.js';
import { spoofGattServer } from '../lower-tester/att-spoof.js';
import { AUTH, hex, KEYS, sameBytes } from '../lower-tester/smp-frames.js';
import { features } from '../lower-tester/smp-peer.js';
import { describeReport, linkCentral, linkPeripheral, pairAsCentral, pairAsPeripheral } from './setup.js';

const ATT_CID = 0x0004;
const SIGNED_WRITE_COMMAND = 0xd2;
const SIGNED_SERVICE = 'c0de0000-5a1e-4c0d-9a7e-000000000001';
const SIGNED_UUID = 'c0de0001-5a1e-4c0d-9a7e-000000000001';

function reversed(bytes: Uint8Array): Uint8Array {
  return bytes.slice().reverse();
}

/** Signature = SignCounter (4, LE) || MAC, MAC = the 64 most significant bits of AES-CMAC_CSRK(m || SignCounter). */
export function signature(csrk: Uint8Array, message: Uint8Array, counter: number): Uint8Array {
  const signed = new Uint8Array(message.length + 4);
  signed.set(message);
  new DataView(signed.buffer).setUint32(message.length, counter, true);
  const tag = aesCmac(reversed(csrk), reversed(signed)); // the spec's octet order: most significant first
  const out = new Uint8Array(12);
  out.set(signed.subarray(message.length), 0);
  out.set(reversed(tag.subarray(0, 8)), 4);
  return out;
}

function signedWrite(
  csrk: Uint8Array,
  handle: number,
  value: Uint8Array,
  counter: number,
  corrupt = false,
): Uint8Array {
  const message = Uint8Array.of(SIGNED_WRITE_COMMAND, handle & 0xff, handle >> 8, ...value);
  const sig = signature(csrk, message, counter);
  if (corrupt) sig[11]! ^= 0x01;
  const pdu = new Uint8Array(message.length + 12);
  pdu.set(message);
  pdu.set(sig, message.length);
  return pdu;
}

/** An IUT with one characteristic accepting signed writes; `written` collects what it delivered. */
async function signingPeripheral(t: Harness) {
  const written: string[] = [];
  const characteristic: CharacteristicDefinition = {
    uuid: SIGNED_UUID,
    properties: ['read', 'write', 'authenticatedSignedWrites'],
    onWrite: (value) => {
      written.push(new TextDecoder().decode(value));
    },
  };
  const linked = await linkPeripheral(t, {
    gatt: { services: [{ uuid: SIGNED_SERVICE, characteristics: [characteristic] }] },
  });
  const csrk = crypto.getRandomValues(new Uint8Array(16));
  const run = await pairAsPeripheral(t, linked, {
    features: features({ authReq: AUTH.bonding | AUTH.sc, initKeys: KEYS.sign | KEYS.id, respKeys: KEYS.id }),
    ltKeys: { csrk },
  });
  verify(run.outcome.kind === 'complete', `pairing: ${run.outcome.kind}; ${describeReport(run.report)}`);
  verify(linked.iut.store.list()[0]?.peerCsrk, 'the IUT did not store the CSRK the LT distributed');
  await linked.lt.disconnect();
  await linked.iut.acceptFrom(linked.lt); // a fresh, unencrypted link: signing is for exactly that case
  return { ...linked, csrk, written, handle: valueHandle(linked.iut) };
}

function valueHandle(iut: Iut): number {
  const db = iut.host.gattServer.database;
  for (let handle = 1; handle <= db.lastHandle; handle++) {
    const c = db.get(handle)?.characteristic;
    if (c && String(c.uuid).toLowerCase() === SIGNED_UUID) return c.valueHandle;
  }
  throw new Error('the signed-write characteristic is not in the IUT database');
}

const text = (s: string) => new TextEncoder().encode(s);

/** What was delivered must be `want`; an empty list names the likely cause. */
function expectDelivered(written: string[], want: string[]): void {
  const why =
    written.length === 0
      ? " (nothing at all: the host never gives its GATT server the bonded peer's CSRK — attachGatt passes no `signing` — so every signed write is dropped)"
      : '';
  verify(
    written.join() === want.join(),
    `delivered [${written.join(', ')}], want [${want.join(', ')}]${why}`,
  );
}

export const signingCases: ConformanceCase[] = [
  {
    id: 'SM/CEN/SIGN/BV-01-C',
    purpose:
      'After distributing its CSRK, the IUT sends correctly signed writes (SignCounter 0, then 1) on an unencrypted link',
    async run(t) {
      const linked = await linkCentral(t);
      const run = await pairAsCentral(t, linked, {
        features: features({ authReq: AUTH.bonding | AUTH.sc, initKeys: KEYS.sign, respKeys: 0 }),
      });
      verify(run.outcome.kind === 'complete', `pairing: ${run.outcome.kind}; ${describeReport(run.report)}`);
      const csrk = run.outcome.state.iutKeys.find((p) => p[0] === SmpOpcode.signingInformation)?.slice(1);
      verify(csrk, 'the IUT distributed no CSRK');
      await linked.lt.disconnect();
      const again = await linked.iut.connectTo(linked.lt);
      verify(
        again.storedBond()?.localCsrk?.csrk === hex(csrk),
        'the IUT did not keep the CSRK it distributed',
      );
      const server = spoofGattServer(linked.lt, SIGNED_SERVICE, SIGNED_UUID, new Uint8Array(0));
      try {
        for (const [i, value] of ['signed', 'again'].entries()) {
          await again.gatt.signedWrite(SIGNED_SERVICE, SIGNED_UUID, text(value));
          for (let waited = 0; server.others.length === 0 && waited < 2000; waited += 20) await sleep(20);
          const pdu = server.others.shift();
          verify(
            pdu?.[0] === SIGNED_WRITE_COMMAND,
            `write ${i + 1}: the LT received ${pdu ? `ATT opcode 0x${pdu[0]?.toString(16)}` : 'nothing'}`,
          );
          const message = pdu.subarray(0, pdu.length - 12);
          const sig = pdu.subarray(pdu.length - 12);
          const counter = new DataView(sig.buffer, sig.byteOffset, 4).getUint32(0, true);
          verify(counter === i, `write ${i + 1} carries SignCounter ${counter}, want ${i}`);
          verify(
            sameBytes(signature(csrk, message, counter), sig),
            `write ${i + 1}: the signature does not verify with the distributed CSRK`,
          );
        }
      } finally {
        server.stop();
      }
      verify(!again.encrypted, 'the link was encrypted: signing is meant for unencrypted links');
    },
  },
  {
    id: 'SM/CEN/SIGN/BV-03-C',
    purpose: 'The IUT verifies a correctly signed write from the LT and delivers the data',
    async run(t) {
      const s = await signingPeripheral(t);
      await s.lt.sendFrame(ATT_CID, signedWrite(s.csrk, s.handle, text('one'), 0));
      await sleep(200);
      expectDelivered(s.written, ['one']);
    },
  },
  {
    id: 'SM/CEN/SIGN/BI-01-C',
    purpose: 'The IUT drops a signed write with a bad MAC (and still accepts a good one after it)',
    async run(t) {
      const s = await signingPeripheral(t);
      await s.lt.sendFrame(ATT_CID, signedWrite(s.csrk, s.handle, text('forged'), 0, true));
      await s.lt.sendFrame(ATT_CID, signedWrite(s.csrk, s.handle, text('genuine'), 1));
      await sleep(200);
      verify(!s.written.includes('forged'), 'the IUT delivered a write with a bad MAC');
      expectDelivered(s.written, ['genuine']);
    },
  },
  {
    id: 'SM/SIGN/BI-02-C',
    purpose: 'SignCounter replay: of SC1, SC1, SC1, SC2 the IUT accepts only the first SC1 and SC2',
    async run(t) {
      const s = await signingPeripheral(t);
      const sends = [
        ['first', 5],
        ['replay-1', 5],
        ['replay-2', 5],
        ['second', 6],
      ] as const;
      for (const [value, counter] of sends)
        await s.lt.sendFrame(ATT_CID, signedWrite(s.csrk, s.handle, text(value), counter));
      await sleep(200);
      expectDelivered(s.written, ['first', 'second']);
    },
  },
];
