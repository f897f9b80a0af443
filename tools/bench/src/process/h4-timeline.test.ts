import { describe, expect, it } from 'vitest';
import { describeSteps, type H4Packet, pairingTiming, readBtsnoop, shares } from './h4-timeline.js';

/** A btsnoop v1 H4 file from packets, stamps as given (microseconds). */
function btsnoop(packets: H4Packet[]): Uint8Array {
  const records = packets.map(({ us, direction, bytes }) => {
    const record = new Uint8Array(24 + bytes.length);
    const view = new DataView(record.buffer);
    view.setUint32(0, bytes.length);
    view.setUint32(4, bytes.length);
    const isCommandOrEvent = bytes[0] === 0x01 || bytes[0] === 0x04;
    view.setUint32(8, (direction === 'in' ? 1 : 0) | (isCommandOrEvent ? 2 : 0));
    view.setBigUint64(16, T0 + BigInt(us));
    record.set(bytes, 24);
    return record;
  });
  const header = new Uint8Array(16);
  header.set(new TextEncoder().encode('btsnoop\0'));
  new DataView(header.buffer).setUint32(8, 1);
  new DataView(header.buffer).setUint32(12, 1002);
  return Uint8Array.from([...header, ...records.flatMap((r) => [...r])]);
}

/** An SMP PDU on handle 1 as one ACL packet (PB 0x2, first automatically flushable). */
const smp = (code: number, length = 1) =>
  Uint8Array.of(0x02, 0x01, 0x20, length + 4, 0, length, 0, 0x06, 0, code, ...new Array(length - 1).fill(0));

// A stamp of 2026 in btsnoop's epoch (microseconds since year 0): beyond 2^53, as real captures are.
const T0 = 63_900_000_000_000_123n;

describe('pairing timing from a capture', () => {
  const publicKey = smp(0x0c, 65); // 69 octets of L2CAP: sent whole, received in 27-octet fragments below
  const packets: H4Packet[] = [
    { us: 0, direction: 'out', bytes: Uint8Array.of(0x01, 0x03, 0x0c, 0x00) },
    { us: 1000, direction: 'out', bytes: smp(0x01, 7) },
    { us: 2500, direction: 'in', bytes: smp(0x02, 7) },
    { us: 3000, direction: 'out', bytes: publicKey },
    // The peer's Public Key: a start fragment and two continuations; it counts when the last one arrives.
    {
      us: 4000,
      direction: 'in',
      bytes: Uint8Array.of(0x02, 0x01, 0x20, 27, 0, ...publicKey.subarray(5, 32)),
    },
    {
      us: 4100,
      direction: 'in',
      bytes: Uint8Array.of(0x02, 0x01, 0x10, 27, 0, ...publicKey.subarray(32, 59)),
    },
    {
      us: 4300,
      direction: 'in',
      bytes: Uint8Array.of(0x02, 0x01, 0x10, 15, 0, ...publicKey.subarray(59)),
    },
    { us: 6000, direction: 'out', bytes: Uint8Array.of(0x01, 0x19, 0x20, 0x00) },
    { us: 7250, direction: 'in', bytes: Uint8Array.of(0x04, 0x08, 0x04, 0x00, 0x01, 0x00, 0x01) },
  ];

  it('runs from our Pairing Request to the Encryption Change, reassembling fragmented PDUs', () => {
    const timing = pairingTiming(readBtsnoop(btsnoop(packets)));
    expect(timing.totalMs).toBeCloseTo(6.25);
    expect(timing.steps.map((s) => `${s.direction} ${s.label} ${s.atMs}`)).toEqual([
      'out Pairing Request 0',
      'in Pairing Response 1.5',
      'out Pairing Public Key 2',
      'in Pairing Public Key 3.3',
      'out LE Enable Encryption 5',
      'in Encryption Change 6.25',
    ]);
    // Ours: Public Key 0.5 after the Response, LE Enable Encryption 1.7 after the peer's key.
    expect(shares(timing)).toEqual({ oursMs: 2.2, peerMs: 4.05 });
    expect(describeSteps(timing)).toBe(
      '+1.50 < Pairing Response, +0.50 > Pairing Public Key, +1.30 < Pairing Public Key, +1.70 > LE Enable Encryption, +1.25 < Encryption Change',
    );
  });

  it('places the capture in Unix time (btsnoop counts from year 0)', () => {
    // 63,900,000,000,000,123 us after 0000-01-01 is 1,731,744,000,000,123 us after 1970-01-01.
    expect(readBtsnoop(btsnoop(packets)).firstUnixUs).toBe(1_731_744_000_000_123);
  });

  it('says when the capture stamps only whole milliseconds', () => {
    const coarse = packets.map((p) => ({ ...p, us: Math.round(p.us / 1000) * 1000 - 123 }));
    expect(readBtsnoop(btsnoop(coarse)).millisecondStamps).toBe(true);
    expect(readBtsnoop(btsnoop(packets)).millisecondStamps).toBe(false);
  });

  it('names what is missing, and refuses what is not a btsnoop H4 capture', () => {
    expect(() => pairingTiming(readBtsnoop(btsnoop(packets.slice(2))))).toThrow(/no Pairing Request/);
    expect(() => pairingTiming(readBtsnoop(btsnoop(packets.slice(0, -1))))).toThrow(/no Encryption Change/);
    expect(() => readBtsnoop(new Uint8Array(16))).toThrow(/not a btsnoop/);
  });
});
