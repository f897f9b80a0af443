import { describe, expect, it } from 'vitest';
import { hexBytes, onAir, specData, specHex, toHex } from './vectors.test-support.js';

describe('test-support conversions', () => {
  it('reads a printed value into on-air order (least significant octet first)', () => {
    expect(Array.from(onAir('0102a0'))).toEqual([0xa0, 0x02, 0x01]);
    expect(specHex(onAir(specData.f4.X))).toBe(specData.f4.X);
  });
  it('keeps plain byte strings in the order written', () => {
    expect(toHex(hexBytes(specData.cmac.key))).toBe(specData.cmac.key);
  });
  it('refuses malformed hex', () => {
    expect(() => hexBytes('abc')).toThrow();
    expect(() => hexBytes('zz')).toThrow();
  });
});
