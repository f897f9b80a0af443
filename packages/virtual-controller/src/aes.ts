import { createCipheriv } from 'node:crypto';

/**
 * AES-128, the controller's security function e (Core 6.0 Vol 3 Part H 2.2.1). HCI carries key and block
 * least significant octet first, FIPS 197 the other way: both are reversed in and the result reversed out.
 */
export function aes128(keyLe: Uint8Array, blockLe: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-128-ecb', Buffer.from(keyLe).reverse(), null);
  cipher.setAutoPadding(false);
  const out = Buffer.concat([cipher.update(Buffer.from(blockLe).reverse()), cipher.final()]);
  return new Uint8Array(out.reverse());
}
