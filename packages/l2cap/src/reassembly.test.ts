import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBasicFrame } from './basic-frame.js';
import { Reassembler } from './reassembly.js';

function split(frame: Uint8Array, size: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < frame.length; i += size) parts.push(frame.subarray(i, i + size));
  return parts;
}

describe('Reassembler', () => {
  it('rebuilds a PDU from any fragmentation, header split included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 300 }), (payload, size) => {
        const reassembler = new Reassembler(1024);
        const parts = split(encodeBasicFrame(0x0004, payload), size);
        const results = parts.map((part, i) => reassembler.push(i === 0 ? 0 : 1, part));
        expect(results.at(-1)).toEqual({ kind: 'pdu', cid: 4, payload });
        expect(results.slice(0, -1).every((r) => r.kind === 'pending')).toBe(true);
        expect(reassembler.inProgress).toBe(false);
      }),
    );
  });

  it('treats packet boundary 0x02 (flushable, controller to host) as a start', () => {
    const r = new Reassembler(100);
    expect(r.push(0x02, encodeBasicFrame(6, new Uint8Array([1, 2])))).toEqual({
      kind: 'pdu',
      cid: 6,
      payload: new Uint8Array([1, 2]),
    });
  });

  it('drops a continuation without a start', () => {
    expect(new Reassembler(100).push(1, new Uint8Array([1, 2, 3]))).toEqual({
      kind: 'dropped',
      reason: 'continuation-without-start',
    });
  });

  it('drops a PDU whose fragments carry more than the length field says', () => {
    const r = new Reassembler(100);
    expect(r.push(0, new Uint8Array([2, 0, 4, 0, 1]))).toEqual({ kind: 'pending' });
    expect(r.push(1, new Uint8Array([2, 3]))).toMatchObject({ kind: 'dropped', reason: 'length-overrun' });
    expect(r.inProgress).toBe(false);
    expect(r.push(1, new Uint8Array([9]))).toMatchObject({ reason: 'continuation-without-start' });
  });

  it('refuses an announced length above the bound before allocating', () => {
    const r = new Reassembler(517);
    expect(r.push(0, new Uint8Array([0xff, 0xff, 4, 0]))).toEqual({
      kind: 'dropped',
      reason: 'pdu-too-large',
      detail: 0xffff,
    });
  });

  it('a new start abandons an incomplete PDU and completes the new one', () => {
    const r = new Reassembler(100);
    r.push(0, new Uint8Array([10, 0, 4, 0, 1]));
    expect(r.push(0, encodeBasicFrame(4, new Uint8Array([7])))).toEqual({
      kind: 'pdu',
      cid: 4,
      payload: new Uint8Array([7]),
    });
  });

  it('drops an unknown packet boundary value', () => {
    expect(new Reassembler(10).push(3, new Uint8Array(4))).toMatchObject({ reason: 'bad-packet-boundary' });
  });
});
