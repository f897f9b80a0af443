/** Passkeys: fresh from the CSPRNG for every pairing, six digits. Core 6.0 Vol 3 Part H 2.3.5.3. */
import { MAX_PASSKEY } from '../constants.js';
import { randomBytes } from '../crypto/index.js';

// The largest multiple of 10^6 below 2^32: values at or above it would bias the modulo.
const UNBIASED_LIMIT = 4_294_000_000;

/** A uniformly random passkey 0..999999 (rejection sampling over 32 random bits). */
export function randomPasskey(): number {
  for (;;) {
    const b = randomBytes(4);
    const value = ((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) << 24)) >>> 0;
    if (value < UNBIASED_LIMIT) return value % (MAX_PASSKEY + 1);
  }
}

export function isValidPasskey(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_PASSKEY;
}

/** Six digits, zero-padded, as users see them. */
export function passkeyDigits(value: number): string {
  return String(value).padStart(6, '0');
}

/** The passkey as a 128-bit value, least significant octet first: legacy TK (2.3.5.3) and LE SC ra/rb (2.3.5.6.3). */
export function passkeyToBytes(passkey: number): Uint8Array {
  const out = new Uint8Array(16);
  out[0] = passkey & 0xff;
  out[1] = (passkey >>> 8) & 0xff;
  out[2] = (passkey >>> 16) & 0xff;
  return out;
}
