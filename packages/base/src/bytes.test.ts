import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  equalBytes,
  fromHex,
  hexNumber,
  parseHex,
  putU16,
  putU32,
  toHex,
  u16,
  u24,
  u32,
} from './bytes.js';

describe('bytes', () => {
  it('reads and writes little-endian fields', () => {
    const bytes = new Uint8Array(8);
    putU16(bytes, 0, 0x1234);
    putU32(bytes, 2, 0xdeadbeef);
    expect(toHex(bytes)).toBe('3412efbeadde0000');
    expect(u16(bytes, 0)).toBe(0x1234);
    expect(u24(bytes, 2)).toBe(0xadbeef);
    expect(u32(bytes, 2)).toBe(0xdeadbeef);
    expect(u16(bytes, 7)).toBe(0);
  });

  it('property: hex and concatenation round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(64), (bytes, cut) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
        expect(parseHex(toHex(bytes).toUpperCase(), bytes.length)).toEqual(bytes);
        const at = Math.min(cut, bytes.length);
        expect(concatBytes(bytes.subarray(0, at), bytes.subarray(at))).toEqual(bytes);
        expect(equalBytes(bytes, bytes.slice())).toBe(true);
      }),
    );
  });

  it.each([['0'], ['zz'], ['0x01'], ['01 02'], [7], [undefined]])('parseHex refuses %j', (value) => {
    expect(parseHex(value)).toBeUndefined();
  });

  it('parseHex checks the length it is told; fromHex throws a RangeError naming the text', () => {
    expect(parseHex('0102', 3)).toBeUndefined();
    expect(() => fromHex('0g')).toThrow(/not hex: 0g/);
  });

  it('equalBytes: any single differing octet or length makes arrays unequal', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 32 }), fc.nat(), (bytes, index) => {
        const other = bytes.slice();
        other[index % bytes.length] ^= 1;
        expect(equalBytes(bytes, other)).toBe(false);
        expect(equalBytes(bytes, bytes.subarray(1))).toBe(false);
      }),
    );
  });

  it('hexNumber writes numbers as the specification does', () => {
    expect(hexNumber(6)).toBe('0x06');
    expect(hexNumber(0x2a00, 4)).toBe('0x2a00');
    expect(hexNumber(0x1ff)).toBe('0x1ff');
  });
});
