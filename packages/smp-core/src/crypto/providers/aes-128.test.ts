import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aes128 } from './aes-128.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('AES-128 (FIPS-197)', () => {
  it('Appendix B: the cipher example', () => {
    const cipher = aes128(hex('2b7e151628aed2a6abf7158809cf4f3c'));
    expect(toHex(cipher.encryptBlock(hex('3243f6a8885a308d313198a2e0370734')))).toBe(
      '3925841d02dc09fbdc118597196a0b32',
    );
  });

  it('Appendix C.1: AES-128, and the same cipher object for several blocks', () => {
    const cipher = aes128(hex('000102030405060708090a0b0c0d0e0f'));
    expect(toHex(cipher.encryptBlock(hex('00112233445566778899aabbccddeeff')))).toBe(
      '69c4e0d86a7b0430d8cdb78070b4c55a',
    );
    expect(toHex(cipher.encryptBlock(hex('00112233445566778899aabbccddeeff')))).toBe(
      '69c4e0d86a7b0430d8cdb78070b4c55a',
    );
  });

  it('property: equals OpenSSL (node:crypto aes-128-ecb) for any key and block', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (key, block) => {
          const reference = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false).update(block);
          expect(toHex(aes128(key).encryptBlock(block))).toBe(reference.toString('hex'));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a key or block of the wrong length', () => {
    expect(() => aes128(new Uint8Array(15))).toThrow(/16-octet key/);
    expect(() => aes128(new Uint8Array(16)).encryptBlock(new Uint8Array(17))).toThrow(/16-octet blocks/);
  });
});
