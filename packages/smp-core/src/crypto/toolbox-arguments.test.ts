import { cmac as nobleCmac } from '@noble/ciphers/aes.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { e } from './aes.js';
import { aesCmac } from './cmac.js';
import { CryptoArgumentError } from './errors.js';
import { c1, s1 } from './legacy.js';
import { h6, h7, ltkToLinkKey } from './link-key-conversion.js';
import { f4, f5, f6, g2 } from './secure-connections.js';

const k16 = new Uint8Array(16);
const k32 = new Uint8Array(32);
const a7 = new Uint8Array(7);

describe('toolbox argument checks', () => {
  it.each([
    ['e key', () => e(new Uint8Array(15), k16)],
    ['e block', () => e(k16, new Uint8Array(17))],
    ['aesCmac key', () => aesCmac(k32, k16)],
    ['f4 u', () => f4(k16, k32, k16, 0)],
    ['f4 z out of range', () => f4(k32, k32, k16, 0x100)],
    ['f4 z array', () => f4(k32, k32, k16, new Uint8Array(2))],
    ['f5 a1 without type octet', () => f5(k32, k16, k16, new Uint8Array(6), a7)],
    ['f6 ioCap', () => f6(k16, k16, k16, k16, new Uint8Array(2), a7, a7)],
    ['g2 y', () => g2(k32, k32, k16, k32)],
    ['h6 keyId length', () => h6(k16, 'lebrx')],
    ['h6 keyId non-ASCII', () => h6(k16, 'lébr')],
    ['h7 salt', () => h7(k32, k16)],
    ['ltkToLinkKey', () => ltkToLinkKey(k32, true)],
    ['c1 iat', () => c1(k16, k16, a7, a7, 2, new Uint8Array(6), 0, new Uint8Array(6))],
    ['c1 preq', () => c1(k16, k16, k16, a7, 0, new Uint8Array(6), 0, new Uint8Array(6))],
    ['s1 r2', () => s1(k16, k16, k32)],
  ])('%s -> CryptoArgumentError', (_label, call) => {
    expect(call).toThrow(CryptoArgumentError);
  });

  it('names the argument and what was expected', () => {
    expect(() => f4(k16, k32, k16, 0)).toThrow(/u must be a Uint8Array of 32 octets, got 16 octets/);
  });

  it('does not modify its inputs', () => {
    const u = Uint8Array.from({ length: 32 }, (_, i) => i);
    const copy = u.slice();
    f4(u, u, k16, 0);
    expect(u).toEqual(copy);
  });
});

describe('AES-CMAC properties', () => {
  it('property: matches @noble/ciphers cmac for any key and message length', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 0, maxLength: 80 }),
        (key, message) => {
          expect(aesCmac(key, message)).toEqual(new Uint8Array(nobleCmac(message, key)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
