/**
 * LE legacy pairing functions, Core 6.0 Vol 3 Part H 2.2.3 (c1) and 2.2.4 (s1). All values on-air order.
 */

import { concatBytes } from '@tsble/base';
import { e } from './aes.js';
import { requireLength } from './bytes.js';
import { LENGTH } from './constants.js';
import { CryptoArgumentError } from './errors.js';

function xor16(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function addressType(argument: string, value: number): number {
  if (value !== 0 && value !== 1) throw new CryptoArgumentError(argument, '0 (public) or 1 (random)', value);
  return value;
}

/**
 * c1 = e(k, e(k, r XOR p1) XOR p2)  (2.2.3): the legacy confirm value. Note the argument order
 * (k, r, preq, pres, iat, ia, rat, ra): each address type sits beside its address.
 *   p1 = pres || preq || rat' || iat'      p2 = padding || ia || ra      (most significant first)
 * Read least significant octet first, p1 is iat', rat', then preq and pres exactly as sent (opcode
 * first), and p2 is ra, ia, then four zero octets: that is how they are built here.
 * k: TK; r: 16-octet random; preq/pres: the 7-octet PDUs; iat/rat: 0 public, 1 random; ia/ra: 6 octets.
 */
export function c1(
  k: Uint8Array,
  r: Uint8Array,
  preq: Uint8Array,
  pres: Uint8Array,
  iat: number,
  ia: Uint8Array,
  rat: number,
  ra: Uint8Array,
): Uint8Array {
  requireLength('k', k, LENGTH.key);
  requireLength('r', r, 16);
  requireLength('preq', preq, LENGTH.pairingPdu);
  requireLength('pres', pres, LENGTH.pairingPdu);
  requireLength('ia', ia, LENGTH.address);
  requireLength('ra', ra, LENGTH.address);
  const p1 = concatBytes(Uint8Array.of(addressType('iat', iat), addressType('rat', rat)), preq, pres);
  const p2 = concatBytes(ra, ia, new Uint8Array(4));
  return e(k, xor16(e(k, xor16(r, p1)), p2));
}

/**
 * s1(k, r1, r2) = e(k, r')  (2.2.4): the legacy STK. r' = r1' || r2' (most significant first), the least
 * significant 64 bits of each; least significant first that is r2's low half, then r1's.
 */
export function s1(k: Uint8Array, r1: Uint8Array, r2: Uint8Array): Uint8Array {
  requireLength('k', k, LENGTH.key);
  requireLength('r1', r1, 16);
  requireLength('r2', r2, 16);
  return e(k, concatBytes(r2.subarray(0, 8), r1.subarray(0, 8)));
}
