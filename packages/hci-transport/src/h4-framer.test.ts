import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { H4Framer, type H4SyncChange } from './h4-framer.js';
import { encodeH4, type HciPacket } from './packet.js';

const bytes = (max: number) => fc.uint8Array({ maxLength: max });

/** Packets a controller sends (events and data). */
const controllerPacket: fc.Arbitrary<HciPacket> = fc.oneof(
  fc
    .record({
      type: fc.constant('event' as const),
      // Only codes a controller really sends: the framer treats unassigned codes as garbage.
      code: fc.constantFrom(0x05, 0x08, 0x0e, 0x0f, 0x13, 0x3e, 0xff),
      params: bytes(255),
    })
    .filter(
      (p) =>
        p.params.length >=
          (({ 5: 4, 8: 4, 14: 3, 15: 4, 19: 1, 62: 1 } as Record<number, number>)[p.code] ?? 0) ||
        p.code === 0xff,
    ),
  fc.record({
    type: fc.constant('acl' as const),
    handle: fc.integer({ min: 0, max: 0x0eff }),
    packetBoundary: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
    broadcast: fc.constant(0),
    data: bytes(300),
  }),
);

const hostFramer = () => new H4Framer({ accept: ['event', 'acl', 'sco', 'iso'] });
const commandComplete: HciPacket = { type: 'event', code: 0x0e, params: Uint8Array.of(1, 0x03, 0x0c, 0) };

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe('H4Framer', () => {
  it('yields a packet split across many reads', () => {
    const framer = hostFramer();
    const bytes = encodeH4(commandComplete);
    const out = [...bytes].flatMap((b) => framer.push(Uint8Array.of(b)));
    expect(out).toEqual([commandComplete]);
  });

  it('yields every packet of a merged read, in order', () => {
    const acl: HciPacket = {
      type: 'acl',
      handle: 0x40,
      packetBoundary: 2,
      broadcast: 0,
      data: Uint8Array.of(1, 2, 3),
    };
    const framer = hostFramer();
    expect(
      framer.push(concat([encodeH4(commandComplete), encodeH4(acl), encodeH4(commandComplete)])),
    ).toEqual([commandComplete, acl, commandComplete]);
  });

  it('skips unknown type octets and an impossible ACL header', () => {
    const framer = hostFramer();
    // 0x00 and 0x07 are no H4 type; 0x01 (a command) never comes from a controller; 0x02 0xff 0xff is an ACL
    // header with a handle above 0x0EFF.
    const garbage = Uint8Array.of(0x00, 0x07, 0x01, 0x02, 0xff, 0xff, 0x00, 0x00);
    expect(framer.push(concat([garbage, encodeH4(commandComplete)]))).toEqual([commandComplete]);
    expect(framer.droppedBytes).toBeGreaterThan(0);
  });

  it('recovers from a stray byte that looks like a header once the line goes idle', () => {
    const framer = hostFramer();
    // 0x04 0xff: a vendor event header, whose length octet is the real packet's type: it swallows part of it.
    const out = framer.push(concat([Uint8Array.of(0x04, 0xff, 0x20), encodeH4(commandComplete)]));
    expect(out).toEqual([]);
    expect(framer.bufferedBytes).toBeGreaterThan(0);
    const recovered: HciPacket[] = [];
    while (framer.bufferedBytes > 0) recovered.push(...framer.resyncStale());
    expect(recovered).toContainEqual(commandComplete);
  });

  it('property: any packets, split anywhere, come out unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(controllerPacket, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (packets, cuts) => {
          const stream = concat(packets.map(encodeH4));
          const framer = hostFramer();
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const out: HciPacket[] = [];
          let from = 0;
          for (const p of [...points, stream.length]) {
            out.push(...framer.push(stream.subarray(from, p)));
            from = p;
          }
          expect(out).toEqual(packets);
          expect(framer.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  it('property: after arbitrary garbage and an idle resync, the packets that follow are recovered', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.array(controllerPacket, { minLength: 1, maxLength: 5 }),
        (garbage, packets) => {
          const framer = hostFramer();
          const out: HciPacket[] = [...framer.push(garbage)];
          // The line goes idle after the garbage: whatever partial packet it left is given up byte by byte.
          while (framer.bufferedBytes > 0) out.push(...framer.resyncStale());
          out.push(...framer.push(concat(packets.map(encodeH4))));
          expect(out.slice(out.length - packets.length)).toEqual(packets);
        },
      ),
    );
  });

  it('property: never throws and never holds more than one packet of bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 20 }), (chunks) => {
        const framer = hostFramer();
        for (const chunk of chunks) framer.push(chunk);
        expect(framer.bufferedBytes).toBeLessThanOrEqual(1 + 4 + 4096 + 100);
      }),
    );
  });
});

/** A host framer that has seen the answer to Reset, as every framer has once start-up began. */
function syncedFramer(changes: H4SyncChange[] = []): H4Framer {
  const framer = new H4Framer({ accept: ['event', 'acl', 'sco', 'iso'], onSync: (c) => changes.push(c) });
  expect(framer.push(encodeH4(commandComplete))).toEqual([commandComplete]);
  return framer;
}

// LE Connection Complete (subevent 0x01) for handle 0x0001, and Disconnection Complete for handle 0x0040:
// what a peer would write into an ATT value to forge HCI events if payloads were ever re-read.
const forgedConnection = encodeH4({
  type: 'event',
  code: 0x3e,
  params: Uint8Array.of(0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 0x18, 0, 0, 0, 0x48, 0, 0),
});
const forgedDisconnection = encodeH4({ type: 'event', code: 0x05, params: Uint8Array.of(0, 0x40, 0, 0x13) });

describe('H4Framer in sync: the length field decides', () => {
  it('delivers ACL data that carries valid-looking HCI events as ACL data and nothing else', () => {
    const framer = syncedFramer();
    const acl: HciPacket = {
      type: 'acl',
      handle: 0x40,
      packetBoundary: 2,
      broadcast: 0,
      data: concat([forgedDisconnection, forgedConnection]),
    };
    const bytes = encodeH4(acl);
    // Every split point, including one octet at a time: the payload never comes out as events.
    for (let cut = 0; cut <= bytes.length; cut++) {
      const out = [
        ...framer.push(bytes.subarray(0, cut)),
        ...framer.resyncStale(),
        ...framer.push(bytes.subarray(cut)),
      ];
      expect(out).toEqual([acl]);
    }
  });

  it('takes an ACL packet for an impossible handle whole, by its length', () => {
    const framer = syncedFramer();
    const odd: HciPacket = {
      type: 'acl',
      handle: 0xfff,
      packetBoundary: 2,
      broadcast: 0,
      data: forgedDisconnection,
    };
    expect(framer.push(concat([encodeH4(odd), encodeH4(commandComplete)]))).toEqual([odd, commandComplete]);
    expect(framer.droppedBytes).toBe(0);
  });

  it('takes an event with an unknown code whole, so its parameters never become packets', () => {
    const framer = syncedFramer();
    const unknown: HciPacket = { type: 'event', code: 0x80, params: forgedConnection };
    const tooShort: HciPacket = { type: 'event', code: 0x05, params: Uint8Array.of(0) };
    const out = framer.push(concat([encodeH4(unknown), encodeH4(tooShort), encodeH4(commandComplete)]));
    expect(out).toEqual([unknown, tooShort, commandComplete]);
  });

  it('completes a packet split by a long idle gap instead of giving up on it', () => {
    const framer = syncedFramer();
    const bytes = encodeH4(commandComplete);
    expect(framer.push(bytes.subarray(0, 3))).toEqual([]);
    // The transport's idle timer fires as often as it likes: in sync nothing is dropped.
    for (let i = 0; i < 5; i++) expect(framer.resyncStale()).toEqual([]);
    expect(framer.push(bytes.subarray(3))).toEqual([commandComplete]);
    expect(framer.droppedBytes).toBe(0);
  });

  it('loses sync only on an octet that cannot start a packet, says so, and hunts for the next packet', () => {
    const changes: H4SyncChange[] = [];
    const framer = syncedFramer(changes);
    const out = framer.push(concat([Uint8Array.of(0x07, 0x00), encodeH4(commandComplete)]));
    expect(out).toEqual([commandComplete]);
    expect(changes).toEqual([
      { kind: 'lost', octet: 0x07, reason: expect.stringMatching(/0x07/) },
      { kind: 'found', droppedBytes: 2 },
    ]);
    expect(framer.synchronized).toBe(true);
  });

  it('treats an ACL length past the maximum as a framing error, not as a packet to wait for', () => {
    const changes: H4SyncChange[] = [];
    const framer = syncedFramer(changes);
    const header = Uint8Array.of(0x02, 0x40, 0x20, 0xff, 0xff);
    expect(framer.push(concat([header, encodeH4(commandComplete)]))).toEqual([commandComplete]);
    expect(changes[0]).toMatchObject({ kind: 'lost', reason: expect.stringMatching(/65535/) });
  });

  it('property: in sync, packets of any code and handle, carrying any bytes, split anywhere, come out unchanged', () => {
    const anyPacket: fc.Arbitrary<HciPacket> = fc.oneof(
      fc.record({
        type: fc.constant('event' as const),
        code: fc.integer({ min: 0, max: 255 }),
        params: bytes(255),
      }),
      fc.record({
        type: fc.constant('acl' as const),
        handle: fc.integer({ min: 0, max: 0x0fff }),
        packetBoundary: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
        broadcast: fc.constant(0),
        data: fc.oneof(bytes(300), fc.constant(concat([forgedDisconnection, forgedConnection]))),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(anyPacket, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (packets, cuts) => {
          const framer = syncedFramer();
          const stream = concat(packets.map(encodeH4));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const out: HciPacket[] = [];
          let from = 0;
          for (const p of [...points, stream.length]) {
            out.push(...framer.push(stream.subarray(from, p)), ...framer.resyncStale());
            from = p;
          }
          expect(out).toEqual(packets);
          expect(framer.droppedBytes).toBe(0);
        },
      ),
    );
  });
});
