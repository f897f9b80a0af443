import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressEquals,
  addressFromBytes,
  formatAddress,
  generateStaticRandomAddress,
  parseAddress,
  parseAddressText,
  randomAddressKind,
} from './address.js';

describe('address', () => {
  it('parses most significant octet first and stores on-air order', () => {
    const parsed = parseAddress('F0:F1:F2:F3:F4:F5/random');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(Array.from(parsed.value.bytes)).toEqual([0xf5, 0xf4, 0xf3, 0xf2, 0xf1, 0xf0]);
    expect(parsed.value.type).toBe('random');
    expect(formatAddress(parsed.value)).toBe('F0:F1:F2:F3:F4:F5/random');
  });

  it('accepts lower case and leaves the type open without a suffix', () => {
    const parsed = parseAddressText('00:aa:01:00:00:42');
    expect(parsed.ok && parsed.value.type).toBe(undefined);
    expect(parsed.ok && parsed.value.bytes[0]).toBe(0x42);
  });

  it.each([
    '',
    'F0:F1:F2:F3:F4',
    'F0:F1:F2:F3:F4:F5:F6',
    'G0:F1:F2:F3:F4:F5',
    'F0:F1:F2:F3:F4:F5/other',
    'F0-F1-F2-F3-F4-F5',
    'F0:F1:F2:F3:F4:F5/public/x',
  ])('rejects %j with a typed error', (text) => {
    const parsed = parseAddress(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('invalid-address');
  });

  it('requires a type where the store needs one', () => {
    const parsed = parseAddress('F0:F1:F2:F3:F4:F5');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message).toMatch(/\/public or \/random/);
  });

  it('round-trips any address', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        fc.constantFrom('public' as const, 'random' as const),
        (bytes, type) => {
          const parsed = parseAddress(formatAddress({ bytes, type }));
          return parsed.ok && addressEquals(parsed.value, { bytes, type });
        },
      ),
    );
  });

  it('classifies random sub-types by the two top bits', () => {
    const kind = (text: string) => {
      const parsed = parseAddress(text);
      return parsed.ok ? randomAddressKind(parsed.value) : 'parse error';
    };
    expect(kind('C0:00:00:00:00:01/random')).toBe('static');
    expect(kind('40:00:00:00:00:01/random')).toBe('resolvable');
    expect(kind('00:00:00:00:00:01/random')).toBe('non-resolvable');
    expect(kind('C0:00:00:00:00:01/public')).toBe(undefined);
  });

  it('generates valid static random addresses', () => {
    for (let i = 0; i < 100; i++) {
      const address = generateStaticRandomAddress();
      expect(randomAddressKind(address)).toBe('static');
    }
  });

  it('never returns the all-zero or all-one static address a degenerate random source gives first', () => {
    const draws = [new Uint8Array(6), new Uint8Array(6).fill(0xff), Uint8Array.of(1, 0, 0, 0, 0, 0)];
    const address = generateStaticRandomAddress(() => draws.shift() ?? new Uint8Array(6));
    expect(formatAddress(address)).toBe('C0:00:00:00:00:01/random');
    expect(draws).toHaveLength(0);
  });

  it('addressFromBytes keeps a copy of its own, a plain Uint8Array even from a Buffer', () => {
    const octets = Buffer.from([1, 2, 3, 4, 5, 0xc6]);
    const address = addressFromBytes(octets, 'random');
    octets[0] = 0xff;
    expect(address.bytes).toEqual(new Uint8Array([1, 2, 3, 4, 5, 0xc6]));
    expect(Object.getPrototypeOf(address.bytes)).toBe(Uint8Array.prototype);
    expect(() => addressFromBytes(new Uint8Array(5), 'public')).toThrow(RangeError);
  });
});
