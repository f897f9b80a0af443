/**
 * AES-128 from @noble/ciphers with the key schedule expanded once per key. `unsafe` is noble's
 * low-level block API; it is used because SMP needs single-block encryption under a reused key
 * (CMAC chains, resolving an address against many IRKs) and the ECB wrapper would redo key
 * expansion on every call. The word-level `encrypt` is called directly: noble's byte-level
 * `encryptBlock` spends several times the cipher's own cost on argument checks and views.
 * Pinned by the tests: the FIPS-197, RFC 4493 and spec vectors all run through it.
 */
import { unsafe } from '@noble/ciphers/aes.js';
import type { AesBlockCipher } from '../provider.js';

// noble's round functions work on the block as four little-endian 32-bit words (its `expandKeyLE`).
function word(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24);
}

function putWord(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value;
  out[offset + 1] = value >>> 8;
  out[offset + 2] = value >>> 16;
  out[offset + 3] = value >>> 24;
}

export function nobleAes128(key: Uint8Array): AesBlockCipher {
  const schedule = unsafe.expandKeyLE(key);
  return {
    encryptBlock(block: Uint8Array): Uint8Array {
      const { s0, s1, s2, s3 } = unsafe.encrypt(
        schedule,
        word(block, 0),
        word(block, 4),
        word(block, 8),
        word(block, 12),
      );
      const out = new Uint8Array(16);
      putWord(out, 0, s0);
      putWord(out, 4, s1);
      putWord(out, 8, s2);
      putWord(out, 12, s3);
      return out;
    },
  };
}
