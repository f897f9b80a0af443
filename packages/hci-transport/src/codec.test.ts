import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Commands } from './commands.js';
import { encodeEvent } from './event-encoders.js';
import { decodeEvent, type HciEvent } from './events.js';
import { decodeLayout, encodeLayout, type FieldKind, type Layout } from './fields.js';
import { H4Framer } from './h4-framer.js';
import { decodePacketAt, encodeH4, encodePacket, type HciPacket } from './packet.js';

const field: Record<FieldKind, fc.Arbitrary<unknown>> = {
  u8: fc.integer({ min: 0, max: 0xff }),
  u16: fc.integer({ min: 0, max: 0xffff }),
  u24: fc.integer({ min: 0, max: 0xffffff }),
  u32: fc.integer({ min: 0, max: 0xffffffff }),
  addr: fc.uint8Array({ minLength: 6, maxLength: 6 }),
  bytes2: fc.uint8Array({ minLength: 2, maxLength: 2 }),
  bytes5: fc.uint8Array({ minLength: 5, maxLength: 5 }),
  bytes8: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  bytes16: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  bytes64: fc.uint8Array({ minLength: 64, maxLength: 64 }),
  mask64: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  advData: fc.uint8Array({ maxLength: 31 }),
};

function valuesOf(layout: Layout): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(layout.map(([name, kind]) => [name, field[kind]])));
}

describe('command codec', () => {
  for (const [name, spec] of Object.entries(Commands)) {
    it(`${name}: parameters and return parameters round-trip`, () => {
      fc.assert(
        fc.property(valuesOf(spec.params), valuesOf(spec.returns), (params, returns) => {
          expect(decodeLayout(spec.params, encodeLayout(spec.params, params as never))).toEqual({
            ok: true,
            value: params,
          });
          expect(decodeLayout(spec.returns, encodeLayout(spec.returns, returns as never))).toEqual({
            ok: true,
            value: returns,
          });
        }),
        { numRuns: 30 },
      );
    });
  }

  it('encodes LE Set Advertising Data as length + 31 zero-padded octets (Core 6.0 Vol 4 Part E 7.8.7)', () => {
    const bytes = encodeLayout(Commands.leSetAdvertisingData.params, {
      advertisingData: Uint8Array.of(2, 1, 6),
    });
    expect(bytes.length).toBe(32);
    expect([...bytes.subarray(0, 4)]).toEqual([3, 2, 1, 6]);
  });

  it('rejects truncated parameters with a decode error', () => {
    expect(decodeLayout(Commands.disconnect.params, Uint8Array.of(1))).toMatchObject({
      ok: false,
      error: { kind: 'decode-error' },
    });
  });

  it('frames HCI Reset exactly as the spec prints it: 01 03 0c 00', () => {
    expect([...encodeH4({ type: 'command', opcode: 0x0c03, params: new Uint8Array(0) })]).toEqual([
      1, 3, 0x0c, 0,
    ]);
  });

  it('packet headers round-trip', () => {
    const acl = {
      type: 'acl' as const,
      handle: 0xabc,
      packetBoundary: 2 as const,
      broadcast: 0,
      data: Uint8Array.of(9, 8),
    };
    const body = encodePacket(acl);
    expect(decodePacketAt('acl', body, 0, 2)).toEqual(acl);
  });

  it('property: every packet type round-trips through H4, and H4 is the type octet before the HCI packet', () => {
    const payload = fc.uint8Array({ maxLength: 255 });
    const twelveBits = fc.integer({ min: 0, max: 0x0fff });
    const packets: fc.Arbitrary<HciPacket> = fc.oneof(
      fc.record({
        type: fc.constant('command' as const),
        opcode: fc.integer({ min: 0, max: 0xffff }),
        params: payload,
      }),
      fc.record({
        type: fc.constant('acl' as const),
        handle: twelveBits,
        packetBoundary: fc.constantFrom(0 as const, 1 as const, 2 as const),
        broadcast: fc.integer({ min: 0, max: 3 }),
        data: payload,
      }),
      fc.record({
        type: fc.constant('sco' as const),
        handle: twelveBits,
        status: fc.integer({ min: 0, max: 3 }),
        data: payload,
      }),
      fc.record({
        type: fc.constant('event' as const),
        code: fc.integer({ min: 0, max: 0xff }),
        params: payload,
      }),
      fc.record({
        type: fc.constant('iso' as const),
        handle: twelveBits,
        flags: fc.integer({ min: 0, max: 0xf }),
        data: payload,
      }),
    );
    fc.assert(
      fc.property(packets, (packet) => {
        const h4 = encodeH4(packet);
        expect([...h4.subarray(1)]).toEqual([...encodePacket(packet)]);
        const framed = new H4Framer({
          accept: ['command', 'acl', 'sco', 'event', 'iso'],
          checkHeaders: false,
        });
        expect(framed.push(h4)).toEqual([packet]);
      }),
    );
  });
});

const address = fc.uint8Array({ minLength: 6, maxLength: 6 });
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const handle = fc.integer({ min: 0, max: 0x0eff });

const events: fc.Arbitrary<HciEvent> = fc.oneof(
  fc.record({
    kind: fc.constant('command-complete' as const),
    numHciCommandPackets: u8,
    commandOpcode: u16,
    returnParameters: fc.uint8Array({ maxLength: 40 }),
  }),
  fc.record({
    kind: fc.constant('command-status' as const),
    status: u8,
    numHciCommandPackets: u8,
    commandOpcode: u16,
  }),
  fc.record({
    kind: fc.constant('disconnection-complete' as const),
    status: u8,
    connectionHandle: u16,
    reason: u8,
  }),
  fc.record({
    kind: fc.constant('encryption-change' as const),
    version: fc.constant(1 as const),
    status: u8,
    connectionHandle: u16,
    encryptionEnabled: u8,
  }),
  fc.record({
    kind: fc.constant('number-of-completed-packets' as const),
    completed: fc.array(fc.record({ connectionHandle: handle, numCompletedPackets: u16 }), { maxLength: 5 }),
  }),
  fc.record({
    kind: fc.constant('le-advertising-report' as const),
    reports: fc.array(
      fc.record({
        eventType: u8,
        addressType: u8,
        address,
        data: fc.uint8Array({ maxLength: 31 }),
        rssi: fc.integer({ min: -128, max: 127 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  fc.record({
    kind: fc.constant('le-long-term-key-request' as const),
    connectionHandle: u16,
    randomNumber: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    encryptedDiversifier: u16,
  }),
  fc
    .record({
      kind: fc.constant('le-connection-complete' as const),
      source: fc.constantFrom('enhanced-v1' as const, 'enhanced-v2' as const),
      status: u8,
      connectionHandle: u16,
      role: u8,
      peerAddressType: u8,
      peerAddress: address,
      localResolvablePrivateAddress: address,
      peerResolvablePrivateAddress: address,
      connectionInterval: u16,
      peripheralLatency: u16,
      supervisionTimeout: u16,
      centralClockAccuracy: u8,
    })
    .map((e) => (e.source === 'enhanced-v2' ? { ...e, advertisingHandle: 3, syncHandle: 0xffff } : e)),
  fc.record({
    kind: fc.constant('zephyr-fatal-error' as const),
    dataType: fc.constant(2),
    file: fc.stringMatching(/^[a-z_]{1,20}\.c$/),
    line: fc.nat(),
  }),
);

describe('event codec', () => {
  it('property: decodeEvent inverts encodeEvent', () => {
    fc.assert(
      fc.property(events, (event) => {
        expect(decodeEvent(encodeEvent(event))).toEqual({ ok: true, value: event });
      }),
    );
  });

  it('normalises the legacy LE Connection Complete with zero RPAs', () => {
    const legacy = encodeEvent({
      kind: 'le-connection-complete',
      source: 'legacy',
      status: 0,
      connectionHandle: 1,
      role: 1,
      peerAddressType: 0,
      peerAddress: Uint8Array.of(1, 2, 3, 4, 5, 6),
      localResolvablePrivateAddress: new Uint8Array(6),
      peerResolvablePrivateAddress: new Uint8Array(6),
      connectionInterval: 40,
      peripheralLatency: 0,
      supervisionTimeout: 400,
      centralClockAccuracy: 0,
    });
    expect(legacy.params[0]).toBe(0x01);
    expect(decodeEvent(legacy)).toMatchObject({
      ok: true,
      value: { kind: 'le-connection-complete', source: 'legacy', role: 1, connectionHandle: 1 },
    });
  });

  it('property: decoding arbitrary event parameters never throws', () => {
    fc.assert(
      fc.property(u8, fc.uint8Array({ maxLength: 64 }), (code, params) => {
        decodeEvent({ type: 'event', code, params });
        decodeEvent({ type: 'event', code: 0x3e, params });
      }),
    );
  });

  it('decodes a Zephyr assert as file and line', () => {
    const params = Uint8Array.from([0x02, ...new TextEncoder().encode('lll.c'), 0, 0x39, 0x05, 0, 0]);
    expect(decodeEvent({ type: 'event', code: 0xff, params })).toEqual({
      ok: true,
      value: { kind: 'zephyr-fatal-error', dataType: 2, file: 'lll.c', line: 1337 },
    });
  });
});
