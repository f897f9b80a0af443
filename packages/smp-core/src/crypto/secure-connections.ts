/**
 * The LE Secure Connections confirm value, key and check value generation functions, Core 6.0
 * Vol 3 Part H 2.2.6 to 2.2.9. The spec writes each formula most significant octet first; every argument
 * and result here is in on-air order, so each value is reversed once going into the CMAC and the result
 * once coming out.
 */
import { concatBytes } from '@tsble/base';
import { requireLength, reverse } from './bytes.js';
import { aesCmac } from './cmac.js';
import { F5_KEY_ID, F5_LENGTH, F5_SALT, LENGTH } from './constants.js';
import { CryptoArgumentError } from './errors.js';

function z8(z: number | Uint8Array): Uint8Array {
  if (typeof z === 'number') {
    if (!Number.isInteger(z) || z < 0 || z > 0xff)
      throw new CryptoArgumentError('z', 'one octet (0..255)', z);
    return Uint8Array.of(z);
  }
  requireLength('z', z, 1);
  return z;
}

/**
 * f4(U, V, X, Z) = AES-CMAC_X(U || V || Z)  (Vol 3 Part H 2.2.6): the confirm value Ca/Cb.
 * U, V: 32-octet public key x coordinates; X: 16-octet nonce (the key); Z: one octet
 * (0 for numeric comparison and Just Works, 0x80|ri per passkey bit).
 */
export function f4(u: Uint8Array, v: Uint8Array, x: Uint8Array, z: number | Uint8Array): Uint8Array {
  requireLength('u', u, LENGTH.p256Coordinate);
  requireLength('v', v, LENGTH.p256Coordinate);
  requireLength('x', x, LENGTH.nonce);
  return reverse(aesCmac(reverse(x), concatBytes(reverse(u), reverse(v), z8(z))));
}

/**
 * f5(W, N1, N2, A1, A2)  (Vol 3 Part H 2.2.7): MacKey and LTK from the DHKey.
 *   T = AES-CMAC_SALT(W)
 *   MacKey = AES-CMAC_T(0 || keyID || N1 || N2 || A1 || A2 || Length)
 *   LTK    = AES-CMAC_T(1 || keyID || N1 || N2 || A1 || A2 || Length)
 * W: 32-octet DHKey; N1, N2: 16-octet nonces; A1, A2: 7 octets, the address then its type octet.
 */
export function f5(
  w: Uint8Array,
  n1: Uint8Array,
  n2: Uint8Array,
  a1: Uint8Array,
  a2: Uint8Array,
): { macKey: Uint8Array; ltk: Uint8Array } {
  requireLength('w', w, LENGTH.dhKey);
  requireLength('n1', n1, LENGTH.nonce);
  requireLength('n2', n2, LENGTH.nonce);
  requireLength('a1', a1, LENGTH.addressWithType);
  requireLength('a2', a2, LENGTH.addressWithType);
  const t = aesCmac(F5_SALT, reverse(w));
  const tail = concatBytes(F5_KEY_ID, reverse(n1), reverse(n2), reverse(a1), reverse(a2), F5_LENGTH);
  const macKey = aesCmac(t, concatBytes(Uint8Array.of(0), tail));
  const ltk = aesCmac(t, concatBytes(Uint8Array.of(1), tail));
  return { macKey: reverse(macKey), ltk: reverse(ltk) };
}

/**
 * f6(W, N1, N2, R, IOcap, A1, A2) = AES-CMAC_W(N1 || N2 || R || IOcap || A1 || A2)  (Vol 3 Part H 2.2.8):
 * the DHKey check value Ea/Eb. W: the MacKey; R: 16 octets; ioCap: 3 octets in on-air order
 * (IO capability, OOB data flag, AuthReq); A1, A2: address then type octet.
 */
export function f6(
  w: Uint8Array,
  n1: Uint8Array,
  n2: Uint8Array,
  r: Uint8Array,
  ioCap: Uint8Array,
  a1: Uint8Array,
  a2: Uint8Array,
): Uint8Array {
  requireLength('w', w, LENGTH.key);
  requireLength('n1', n1, LENGTH.nonce);
  requireLength('n2', n2, LENGTH.nonce);
  requireLength('r', r, 16);
  requireLength('ioCap', ioCap, LENGTH.ioCap);
  requireLength('a1', a1, LENGTH.addressWithType);
  requireLength('a2', a2, LENGTH.addressWithType);
  const message = concatBytes(reverse(n1), reverse(n2), reverse(r), reverse(ioCap), reverse(a1), reverse(a2));
  return reverse(aesCmac(reverse(w), message));
}

/**
 * g2(U, V, X, Y) = AES-CMAC_X(U || V || Y) mod 2^32  (Vol 3 Part H 2.2.9): the numeric comparison value.
 * Returns the 32-bit number; the six digits shown to the user are `g2(...) % 1_000_000`, zero-padded.
 */
export function g2(u: Uint8Array, v: Uint8Array, x: Uint8Array, y: Uint8Array): number {
  requireLength('u', u, LENGTH.p256Coordinate);
  requireLength('v', v, LENGTH.p256Coordinate);
  requireLength('x', x, LENGTH.nonce);
  requireLength('y', y, LENGTH.nonce);
  const tag = aesCmac(reverse(x), concatBytes(reverse(u), reverse(v), reverse(y)));
  // mod 2^32 keeps the least significant four octets: the last four of the AES-order tag.
  return ((tag[12]! << 24) | (tag[13]! << 16) | (tag[14]! << 8) | tag[15]!) >>> 0;
}
