/**
 * The security function e, Core 6.0 Vol 3 Part H 2.2.1: AES-128 (FIPS-197) of one block.
 */
import { requireLength, reverse } from './bytes.js';
import { LENGTH } from './constants.js';
import { getCryptoProvider } from './provider.js';

/**
 * encryptedData = e(key, plaintextData).
 *
 * `key`, `block` and the result are in on-air order (least significant octet first), as SMP carries them;
 * AES itself numbers octets the other way (the spec's "most significant octet of key corresponds to
 * key[0] of FIPS-197"), so all three are reversed around the cipher.
 */
export function e(key: Uint8Array, block: Uint8Array): Uint8Array {
  requireLength('key', key, LENGTH.key);
  requireLength('block', block, 16);
  return reverse(getCryptoProvider().aes128(reverse(key)).encryptBlock(reverse(block)));
}
