import { randomBytes } from 'node:crypto';
import { aes128 } from './aes.js';

/**
 * Resolvable private addresses as a controller with LL Privacy makes and resolves them (Core 6.0 Vol 6 Part B
 * 1.3.2.2 and 6.2; Vol 3 Part H 2.2.2). Addresses and IRKs are in HCI order (least significant octet first):
 * octets 0-2 hold hash, octets 3-5 prand, whose two most significant bits are 0b01.
 */

/** ah(k, r) = e(k, padding || r) mod 2^24, with r the 3 octets of prand. Returns the 3-octet hash. */
export function ah(irk: Uint8Array, prand: Uint8Array): Uint8Array {
  const block = new Uint8Array(16);
  block.set(prand.subarray(0, 3), 0);
  return aes128(irk, block).slice(0, 3);
}

/** A fresh RPA for `irk`: random prand (not all zeros nor all ones in its random part), then its hash. */
export function generateRpa(irk: Uint8Array, random: (n: number) => Uint8Array = randomOctets): Uint8Array {
  for (;;) {
    const prand = random(3);
    prand[2] = ((prand[2] ?? 0) & 0x3f) | 0x40;
    const bits = (prand[0] ?? 0) | ((prand[1] ?? 0) << 8) | (((prand[2] ?? 0) & 0x3f) << 16);
    if (bits === 0 || bits === 0x3fffff) continue;
    const address = new Uint8Array(6);
    address.set(ah(irk, prand), 0);
    address.set(prand, 3);
    return address;
  }
}

/** Whether a random address is resolvable (its two most significant bits are 0b01). */
export function isRpa(address: Uint8Array): boolean {
  return ((address[5] ?? 0) & 0xc0) === 0x40;
}

/** Whether `address` is an RPA made with `irk`. */
export function resolvesWith(address: Uint8Array, irk: Uint8Array): boolean {
  if (!isRpa(address)) return false;
  const hash = ah(irk, address.subarray(3, 6));
  return hash[0] === address[0] && hash[1] === address[1] && hash[2] === address[2];
}

/** An IRK of all zeros means "none" in the resolving list. Core 6.0 Vol 4 Part E 7.8.38. */
export function isZeroIrk(irk: Uint8Array): boolean {
  return irk.every((octet) => octet === 0);
}

function randomOctets(n: number): Uint8Array {
  return new Uint8Array(randomBytes(n));
}
