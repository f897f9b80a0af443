import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSignalingCommand, encodeSignalingCommand, type SignalingCommand } from './signaling-pdu.js';

const u16 = fc.integer({ min: 0, max: 0xffff });
const id = fc.integer({ min: 1, max: 255 });

const command: fc.Arbitrary<SignalingCommand> = fc.oneof(
  fc.record({
    op: fc.constant('command-reject' as const),
    identifier: id,
    reason: u16,
    data: fc.uint8Array({ maxLength: 4 }),
  }),
  fc.record({
    op: fc.constant('disconnection-request' as const),
    identifier: id,
    destinationCid: u16,
    sourceCid: u16,
  }),
  fc.record({
    op: fc.constant('disconnection-response' as const),
    identifier: id,
    destinationCid: u16,
    sourceCid: u16,
  }),
  fc.record({
    op: fc.constant('connection-parameter-update-request' as const),
    identifier: id,
    intervalMin: u16,
    intervalMax: u16,
    latency: u16,
    timeout: u16,
  }),
  fc.record({
    op: fc.constant('connection-parameter-update-response' as const),
    identifier: id,
    result: u16,
  }),
  fc.record({
    op: fc.constant('le-credit-based-connection-request' as const),
    identifier: id,
    spsm: u16,
    sourceCid: u16,
    mtu: u16,
    mps: u16,
    initialCredits: u16,
  }),
  fc.record({
    op: fc.constant('le-credit-based-connection-response' as const),
    identifier: id,
    destinationCid: u16,
    mtu: u16,
    mps: u16,
    initialCredits: u16,
    result: u16,
  }),
  fc.record({
    op: fc.constant('flow-control-credit-indication' as const),
    identifier: id,
    cid: u16,
    credits: u16,
  }),
);

describe('LE signaling codec', () => {
  it('decode inverts encode for every command', () => {
    fc.assert(
      fc.property(command, (c) => {
        expect(decodeSignalingCommand(encodeSignalingCommand(c))).toEqual({ ok: true, value: c });
      }),
    );
  });

  it('encodes an LE Credit Based Connection Request field by field (Core Vol 3 Part A 4.22)', () => {
    const bytes = encodeSignalingCommand({
      op: 'le-credit-based-connection-request',
      identifier: 7,
      spsm: 0x0080,
      sourceCid: 0x0040,
      mtu: 512,
      mps: 247,
      initialCredits: 10,
    });
    expect([...bytes]).toEqual([0x14, 7, 10, 0, 0x80, 0, 0x40, 0, 0, 2, 247, 0, 10, 0]);
  });

  it('reports header/length disagreement, unknown codes and short commands', () => {
    expect(decodeSignalingCommand(new Uint8Array([0x12, 1]))).toEqual({
      ok: false,
      error: { kind: 'truncated-header' },
    });
    expect(decodeSignalingCommand(new Uint8Array([0x12, 1, 8, 0, 1, 2]))).toMatchObject({
      error: { kind: 'length-mismatch' },
    });
    expect(decodeSignalingCommand(new Uint8Array([0x42, 3, 0, 0]))).toMatchObject({
      error: { kind: 'unknown-code', code: 0x42, identifier: 3 },
    });
    expect(decodeSignalingCommand(new Uint8Array([0x06, 3, 2, 0, 0x40, 0]))).toMatchObject({
      error: { kind: 'too-short' },
    });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => void decodeSignalingCommand(bytes)));
  });
});
