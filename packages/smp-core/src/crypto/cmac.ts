/**
 * AES-CMAC, RFC 4493 (Core 6.0 Vol 3 Part H 2.2.5), in plain AES byte order: the key, message and tag are
 * byte strings exactly as RFC 4493 and its test vectors write them. The SMP functions built on it (f4..h7)
 * do the on-air reversal themselves.
 */
import { requireLength } from './bytes.js';
import { LENGTH } from './constants.js';
import { getCryptoProvider } from './provider.js';

const BLOCK = 16;
const R_B = 0x87; // RFC 4493 2.3: the constant of the doubling in GF(2^128)

/** RFC 4493 2.3 subkey doubling: shift left one bit, fold the carry back with R_b. */
function double(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = ((block[i]! << 1) | ((block[i + 1] ?? 0) >>> 7)) & 0xff;
  if (block[0]! & 0x80) out[BLOCK - 1]! ^= R_B;
  return out;
}

/** T = AES-CMAC(K, M), 16 octets; the key's schedule is expanded once for the whole message. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  requireLength('key', key, LENGTH.key);
  const cipher = getCryptoProvider().aes128(key);
  const k1 = double(cipher.encryptBlock(new Uint8Array(BLOCK)));
  const k2 = double(k1);
  const blocks = Math.max(1, Math.ceil(message.length / BLOCK));
  const lastComplete = message.length > 0 && message.length % BLOCK === 0;

  // The last block is XORed with K1 when complete, else padded with 10* and XORed with K2 (RFC 4493 2.4).
  const last = new Uint8Array(BLOCK);
  const lastStart = (blocks - 1) * BLOCK;
  last.set(message.subarray(lastStart));
  if (!lastComplete) last[message.length - lastStart] = 0x80;
  const subkey = lastComplete ? k1 : k2;

  let x: Uint8Array = new Uint8Array(BLOCK);
  const y = new Uint8Array(BLOCK);
  for (let i = 0; i < blocks; i++) {
    const m = i === blocks - 1 ? last : message.subarray(i * BLOCK, (i + 1) * BLOCK);
    for (let j = 0; j < BLOCK; j++) y[j] = x[j]! ^ m[j]! ^ (i === blocks - 1 ? subkey[j]! : 0);
    x = cipher.encryptBlock(y);
  }
  return x;
}
