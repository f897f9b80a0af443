/**
 * AES-128 from @noble/ciphers with the key schedule expanded once per key. `unsafe` is noble's
 * low-level block API; it is used because SMP needs single-block encryption under a reused key
 * (CMAC chains, resolving an address against many IRKs) and the ECB wrapper would redo key
 * expansion on every call. Pinned by the tests: the RFC 4493 and spec vectors run through it.
 */
import { unsafe } from '@noble/ciphers/aes.js';
import type { AesBlockCipher } from '../provider.js';

export function nobleAes128(key: Uint8Array): AesBlockCipher {
  const schedule = unsafe.expandKeyLE(key);
  return {
    encryptBlock(block: Uint8Array): Uint8Array {
      // slice(): a fresh, 4-octet-aligned copy, which noble's word view requires and which keeps the
      // caller's block intact (noble encrypts in place).
      return unsafe.encryptBlock(schedule, block.slice());
    },
  };
}
