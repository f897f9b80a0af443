import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBytes } from './definitions.js';

describe('toBytes', () => {
  it('gives the UTF-8 of any string, ASCII or not', () => {
    const utf8 = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect([...toBytes(text)]).toEqual([...utf8.encode(text)]);
      }),
    );
    expect([...toBytes('tsble')]).toEqual([0x74, 0x73, 0x62, 0x6c, 0x65]);
    expect([...toBytes('é')]).toEqual([0xc3, 0xa9]);
  });

  it('copies octets and makes undefined empty', () => {
    const value = Uint8Array.of(1, 2);
    const copy = toBytes(value);
    value[0] = 9;
    expect([...copy]).toEqual([1, 2]);
    expect(toBytes(undefined).length).toBe(0);
  });
});
