import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AttPdu, decodeAttPdu, encodeAttPdu } from './att-pdu.js';
import { uuidFromBytes } from './uuid.js';

const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 0xff });
const bytes = (max = 30) => fc.uint8Array({ maxLength: max });
const uuid16 = u16.map((n) => n.toString(16).padStart(4, '0'));
const uuid128 = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => uuidFromBytes(b) as string)
  .filter((u) => u.length === 36);
const uuid = fc.oneof(uuid16, uuid128);
const handles = fc.array(u16, { minLength: 2, maxLength: 8 });
const fixedLengthEntries = fc.integer({ min: 0, max: 10 }).chain((n) =>
  fc.array(fc.record({ handle: u16, value: fc.uint8Array({ minLength: n, maxLength: n }) }), {
    minLength: 1,
    maxLength: 5,
  }),
);

const pdu: fc.Arbitrary<AttPdu> = fc.oneof(
  fc.record({ op: fc.constant('error-response' as const), requestOpcode: u8, handle: u16, errorCode: u8 }),
  fc.record({
    op: fc.constantFrom('exchange-mtu-request' as const, 'exchange-mtu-response' as const),
    mtu: u16,
  }),
  fc.record({ op: fc.constant('find-information-request' as const), startHandle: u16, endHandle: u16 }),
  fc.oneof(uuid16, uuid128).chain((first) =>
    fc.record({
      op: fc.constant('find-information-response' as const),
      entries: fc.array(fc.record({ handle: u16, type: first.length === 4 ? uuid16 : uuid128 }), {
        minLength: 1,
        maxLength: 4,
      }),
    }),
  ),
  fc.record({
    op: fc.constant('find-by-type-value-request' as const),
    startHandle: u16,
    endHandle: u16,
    type: uuid16,
    value: bytes(),
  }),
  fc.record({
    op: fc.constant('find-by-type-value-response' as const),
    ranges: fc.array(fc.record({ handle: u16, groupEndHandle: u16 }), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({
    op: fc.constantFrom('read-by-type-request' as const, 'read-by-group-type-request' as const),
    startHandle: u16,
    endHandle: u16,
    type: uuid,
  }),
  fc.record({ op: fc.constant('read-by-type-response' as const), entries: fixedLengthEntries }),
  fc.record({ op: fc.constant('read-request' as const), handle: u16 }),
  fc.record({ op: fc.constantFrom('read-response' as const, 'read-blob-response' as const), value: bytes() }),
  fc.record({ op: fc.constant('read-blob-request' as const), handle: u16, offset: u16 }),
  fc.record({
    op: fc.constantFrom('read-multiple-request' as const, 'read-multiple-variable-request' as const),
    handles,
  }),
  fc.record({ op: fc.constant('read-multiple-response' as const), values: bytes() }),
  fixedLengthEntries.map((entries) => ({
    op: 'read-by-group-type-response' as const,
    entries: entries.map((e) => ({ handle: e.handle, endGroupHandle: e.handle, value: e.value })),
  })),
  fc.record({
    op: fc.constantFrom(
      'write-request' as const,
      'write-command' as const,
      'handle-value-notification' as const,
      'handle-value-indication' as const,
    ),
    handle: u16,
    value: bytes(),
  }),
  fc.record({
    op: fc.constantFrom(
      'write-response' as const,
      'execute-write-response' as const,
      'handle-value-confirmation' as const,
    ),
  }),
  fc.record({
    op: fc.constantFrom('prepare-write-request' as const, 'prepare-write-response' as const),
    handle: u16,
    offset: u16,
    value: bytes(),
  }),
  fc.record({ op: fc.constant('execute-write-request' as const), flags: u8 }),
  fc.record({
    op: fc.constant('read-multiple-variable-response' as const),
    values: fc.array(bytes(), { maxLength: 4 }),
  }),
  fc.record({
    op: fc.constant('multiple-handle-value-notification' as const),
    entries: fc.array(fc.record({ handle: u16, value: bytes() }), { minLength: 2, maxLength: 4 }),
  }),
  fc.record({
    op: fc.constant('signed-write-command' as const),
    handle: u16,
    value: bytes(),
    signature: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  }),
);

describe('ATT PDU codec', () => {
  it('decode inverts encode for every PDU', () => {
    fc.assert(
      fc.property(pdu, (p) => {
        expect(decodeAttPdu(encodeAttPdu(p))).toEqual({ ok: true, value: p });
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws and never reads past the buffer on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const result = decodeAttPdu(b);
        if (result.ok) expect(encodeAttPdu(result.value).length).toBeLessThanOrEqual(b.length + 1);
      }),
      { numRuns: 3000 },
    );
  });

  it('encodes the PDUs of the spec tables octet by octet', () => {
    expect([
      ...encodeAttPdu({ op: 'error-response', requestOpcode: 0x0a, handle: 0x0003, errorCode: 0x05 }),
    ]).toEqual([1, 0x0a, 3, 0, 5]);
    expect([...encodeAttPdu({ op: 'exchange-mtu-request', mtu: 517 })]).toEqual([2, 0x05, 0x02]);
    expect([
      ...encodeAttPdu({ op: 'read-by-group-type-request', startHandle: 1, endHandle: 0xffff, type: '2800' }),
    ]).toEqual([0x10, 1, 0, 0xff, 0xff, 0x00, 0x28]);
    expect([
      ...encodeAttPdu({
        op: 'signed-write-command',
        handle: 5,
        value: Uint8Array.of(9),
        signature: new Uint8Array(12),
      }),
    ]).toEqual([0xd2, 5, 0, 9, ...new Array(12).fill(0)]);
  });

  it('rejects malformed parameters with invalid-pdu and unknown opcodes by name', () => {
    expect(decodeAttPdu(new Uint8Array(0))).toEqual({ ok: false, error: { kind: 'empty' } });
    expect(decodeAttPdu(Uint8Array.of(0x0a, 1))).toEqual({
      ok: false,
      error: { kind: 'invalid-pdu', opcode: 0x0a },
    });
    expect(decodeAttPdu(Uint8Array.of(0x08, 1, 0, 2, 0, 3))).toEqual({
      ok: false,
      error: { kind: 'invalid-pdu', opcode: 0x08 },
    });
    expect(decodeAttPdu(Uint8Array.of(0x0e, 1, 0))).toEqual({
      ok: false,
      error: { kind: 'invalid-pdu', opcode: 0x0e },
    });
    expect(decodeAttPdu(Uint8Array.of(0x09, 3, 1, 0, 5, 2))).toEqual({
      ok: false,
      error: { kind: 'invalid-pdu', opcode: 0x09 },
    });
    expect(decodeAttPdu(Uint8Array.of(0x3f))).toEqual({
      ok: false,
      error: { kind: 'unknown-opcode', opcode: 0x3f },
    });
  });
});
