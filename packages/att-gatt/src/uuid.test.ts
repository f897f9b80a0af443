import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUuid, toUuid128, uuid, uuidFromBytes, uuidToBytes } from './uuid.js';

describe('UUIDs', () => {
  it('parses every spelling of a 16-bit UUID to one canonical form', () => {
    for (const s of ['2A00', '0x2a00', '00002a00-0000-1000-8000-00805F9B34FB', '00002a00'])
      expect(parseUuid(s)).toBe('2a00');
    expect(parseUuid(0x2a00)).toBe('2a00');
    expect(toUuid128('2a00')).toBe('00002a00-0000-1000-8000-00805f9b34fb');
  });

  it('carries 128-bit UUIDs least significant octet first', () => {
    const demo = uuid('b1e50001-3c9b-4e7a-9f1d-5e2a7c4d8b00');
    const bytes = uuidToBytes(demo);
    expect(bytes[0]).toBe(0x00);
    expect(bytes[1]).toBe(0x8b);
    expect(bytes[15]).toBe(0xb1);
    expect(uuidFromBytes(bytes)).toBe(demo);
    expect([...uuidToBytes('180f')]).toEqual([0x0f, 0x18]);
  });

  it('refuses what is not a UUID', () => {
    expect(parseUuid('xyz')).toBeUndefined();
    expect(parseUuid(0x10000)).toBeUndefined();
    expect(uuidFromBytes(new Uint8Array(3))).toBeUndefined();
    expect(() => uuid('nope')).toThrow(TypeError);
  });

  it('round-trips arbitrary 128-bit values through bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const u = uuidFromBytes(b) as string;
        expect(uuidToBytes(toUuid128(u))).toEqual(b);
      }),
    );
  });
});
