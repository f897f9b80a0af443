import { concatBytes, equalBytes } from '@tsble/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigIntToBytes, bytesToBigInt, leftPad, randomBytes, reverse } from './bytes.js';

describe('byte helpers', () => {
  it('leftPad widens with leading zeros and keeps the low octets of longer input', () => {
    expect(Array.from(leftPad(Uint8Array.of(1, 2), 4))).toEqual([0, 0, 1, 2]);
    expect(Array.from(leftPad(Uint8Array.of(9, 1, 2), 2))).toEqual([1, 2]);
  });

  it('randomBytes fills more than the 65,536-octet getRandomValues quota', () => {
    const bytes = randomBytes(70000);
    expect(bytes).toHaveLength(70000);
    expect(bytes.subarray(65536).some((b) => b !== 0)).toBe(true);
  });

  it('property: reverse is an involution and bigint conversion round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(reverse(reverse(bytes))).toEqual(bytes);
        expect(bigIntToBytes(bytesToBigInt(bytes), 32)).toEqual(bytes);
        expect(equalBytes(bytes, bytes.slice())).toBe(true);
        expect(concatBytes(bytes.subarray(0, 5), bytes.subarray(5))).toEqual(bytes);
      }),
    );
  });

  it('equalBytes: any single differing octet or length makes arrays unequal', () => {
    const a = randomBytes(16);
    const b = a.slice();
    b[15]! ^= 1;
    expect(equalBytes(a, b)).toBe(false);
    expect(equalBytes(a, a.subarray(0, 15))).toBe(false);
  });
});
