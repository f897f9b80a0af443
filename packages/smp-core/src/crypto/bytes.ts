/**
 * Byte helpers for the toolbox. The spec's formulas work on numbers written most significant octet first
 * (and AES works in that order too), while every value on the air and at this package's API is least
 * significant octet first. `reverse` is the one bridge between the two.
 */
import { CryptoArgumentError } from './errors.js';

/** A new array with the octets of `bytes` in the opposite order (on-air <-> spec/AES order). */
export function reverse(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[bytes.length - 1 - i]!;
  return out;
}

/** Throws CryptoArgumentError unless `value` is a Uint8Array of exactly `length` octets. */
export function requireLength(argument: string, value: Uint8Array, length: number): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new CryptoArgumentError(argument, `a Uint8Array of ${length} octets`, value);
  }
}

// crypto.getRandomValues fills at most 65,536 octets per call (WebCrypto quota).
const RANDOM_QUOTA = 65536;

/** `n` cryptographically strong random octets from `crypto.getRandomValues` (Node 20+ and every browser). */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let offset = 0; offset < n; offset += RANDOM_QUOTA) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(n, offset + RANDOM_QUOTA)));
  }
  return out;
}

/**
 * A big-endian integer widened to `length` octets with leading zeros. Crypto libraries may drop leading
 * zero octets of private keys and coordinates; SMP fields are fixed-width.
 */
export function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length >= length) return bytes.slice(bytes.length - length);
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

/** Big-endian octets -> bigint (used for P-256 coordinates, which the providers exchange big-endian). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** bigint -> `length` big-endian octets; the caller guarantees the value fits. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}
