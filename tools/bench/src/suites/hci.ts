/**
 * The HCI path: H4 framing and the HCI codec in both directions (packets per second), and ACL round trips
 * through the virtual controller (central -> peripheral -> central, through both hosts' Hci layers, the H4
 * framers on both sides and the controllers' flow control).
 */
import { performance } from 'node:perf_hooks';
import {
  decodeEvent,
  encodeEvent,
  encodeH4,
  H4Framer,
  type HciEvent,
  type HciPacket,
} from '@tsble/hci-transport';
import { openLinkedPair } from '@tsble/virtual-controller';
import type { BenchCase, BenchSuite, Measurement } from '../harness.js';

/** A realistic mix from a busy link: completions, ACL of several sizes, advertising reports, LE events. */
function sampleEvents(): HciEvent[] {
  return [
    {
      kind: 'command-complete',
      numHciCommandPackets: 1,
      commandOpcode: 0x2018,
      returnParameters: new Uint8Array(9),
    },
    { kind: 'number-of-completed-packets', completed: [{ connectionHandle: 1, numCompletedPackets: 2 }] },
    {
      kind: 'le-advertising-report',
      reports: [
        {
          eventType: 0,
          addressType: 1,
          address: new Uint8Array(6).fill(0xc1),
          data: new Uint8Array(24).fill(2),
          rssi: -60,
        },
      ],
    },
    {
      kind: 'le-long-term-key-request',
      connectionHandle: 1,
      randomNumber: new Uint8Array(8),
      encryptedDiversifier: 0,
    },
    { kind: 'disconnection-complete', status: 0, connectionHandle: 1, reason: 0x13 },
  ];
}

function samplePackets(count: number): HciPacket[] {
  const events = sampleEvents().map(encodeEvent);
  const packets: HciPacket[] = [];
  for (let i = 0; i < count; i++) {
    packets.push(
      i % 2 === 0
        ? {
            type: 'acl',
            handle: 1,
            packetBoundary: i % 4 === 0 ? 2 : 1,
            broadcast: 0,
            data: new Uint8Array([27, 64, 251][i % 3] ?? 27),
          }
        : (events[i % events.length] as HciPacket),
    );
  }
  return packets;
}

async function rate(
  count: number,
  unit: string,
  body: () => unknown | Promise<unknown>,
): Promise<Measurement> {
  const start = performance.now();
  await body();
  const seconds = (performance.now() - start) / 1000;
  return { value: count / seconds, unit };
}

/** Round trips: the central sends one 27-octet fragment, the peripheral echoes it, the central receives it. */
async function aclRoundTrips(count: number, strict: boolean): Promise<Measurement> {
  const pair = await openLinkedPair({ controller: { strict } });
  pair.peripheral.on('acl', (_h, _pb, data) => void pair.peripheral.sendAcl(pair.peripheralHandle, 0, data));
  const payload = new Uint8Array(27).fill(0x5a);
  try {
    return await rate(count, 'round trips/s', async () => {
      for (let i = 0; i < count; i++) {
        const back = pair.central.next('acl');
        await pair.central.sendAcl(pair.centralHandle, 0, payload);
        await back;
      }
    });
  } finally {
    await pair.close();
  }
}

export const suite: BenchSuite = {
  name: 'hci',
  cases: async (): Promise<BenchCase[]> => {
    const packets = samplePackets(2000);
    const stream = Uint8Array.from(packets.flatMap((p) => [...encodeH4(p)]));
    const eventPackets = packets.filter((p) => p.type === 'event');
    const events = sampleEvents();
    return [
      {
        name: 'H4 framer parse (packets/s, 2000-packet stream in 64-octet reads)',
        measure: () =>
          rate(packets.length, 'packets/s', () => {
            const framer = new H4Framer({ accept: ['event', 'acl'] });
            let n = 0;
            for (let at = 0; at < stream.length; at += 64)
              n += framer.push(stream.subarray(at, at + 64)).length;
            if (n !== packets.length) throw new Error(`framer produced ${n} of ${packets.length} packets`);
          }),
      },
      {
        name: 'H4 encode (packets/s)',
        measure: () =>
          rate(packets.length, 'packets/s', () => {
            for (const p of packets) encodeH4(p);
          }),
      },
      {
        name: 'event decode (events/s)',
        measure: () =>
          rate(eventPackets.length, 'events/s', () => {
            for (const p of eventPackets)
              if (p.type === 'event' && !decodeEvent(p).ok) throw new Error('decode failed');
          }),
      },
      {
        name: 'event encode (events/s)',
        measure: () =>
          rate(events.length * 400, 'events/s', () => {
            for (let i = 0; i < 400; i++) for (const e of events) encodeEvent(e);
          }),
      },
      {
        name: 'ACL round trips via virtual controller (27 octets)',
        measure: () => aclRoundTrips(500, false),
      },
      {
        name: 'ACL round trips via strict virtual controller (1 credit, 3x27 buffers)',
        measure: () => aclRoundTrips(500, true),
        baseline: 'ACL round trips via virtual controller (27 octets)',
      },
    ];
  },
};
