/**
 * Resolvable private addresses: the random address hash function ah (Core 6.0 Vol 3 Part H 2.2.2) and the
 * generation and resolution of RPAs (Vol 6 Part B 1.3.2.2 and 1.3.2.3).
 *
 * An RPA, in on-air order (least significant octet first), is hash (3 octets) then prand (3 octets), and
 * prand's two most significant bits are 0b01. Resolving means recomputing ah(IRK, prand) for each known
 * IRK, so each IRK's AES key schedule is kept (see `preparedCipher`): scanning among many bonded peers
 * costs one AES block per IRK, not a key expansion too.
 */
import { equalBytes, isResolvablePrivateAddress } from '@tsble/base';
import { randomBytes, requireLength } from './bytes.js';
import { LENGTH, RPA_TYPE_BITS, RPA_TYPE_MASK } from './constants.js';
import { type AesBlockCipher, type CryptoProvider, getCryptoProvider } from './provider.js';

interface PreparedIrk {
  key: Uint8Array; // a private copy, to notice if the caller's array was changed in place
  provider: CryptoProvider;
  cipher: AesBlockCipher;
}

// Keyed by the caller's IRK array, so the entry dies with it. The copy and provider are checked on each
// use: a mutated IRK or a switched provider simply gets a fresh schedule.
const prepared = new WeakMap<Uint8Array, PreparedIrk>();

function preparedCipher(irk: Uint8Array): AesBlockCipher {
  const provider = getCryptoProvider();
  const entry = prepared.get(irk);
  if (entry !== undefined && entry.provider === provider && equalBytes(entry.key, irk)) return entry.cipher;
  // The IRK is stored and used least significant octet first; AES wants the key the other way round.
  const key = irk.slice();
  const cipher = provider.aes128(key.slice().reverse());
  prepared.set(irk, { key, provider, cipher });
  return cipher;
}

/** r' = padding || prand, in AES byte order: 13 zero octets then prand most significant first. */
function ahPlaintext(prand: Uint8Array): Uint8Array {
  const block = new Uint8Array(16);
  block[13] = prand[2]!;
  block[14] = prand[1]!;
  block[15] = prand[0]!;
  return block;
}

/** ah's result, e(k, r') mod 2^24, read back out of the AES-order block into on-air order. */
function hashMatches(encrypted: Uint8Array, hash: Uint8Array): boolean {
  return encrypted[15] === hash[0] && encrypted[14] === hash[1] && encrypted[13] === hash[2];
}

/** ah(k, r) = e(k, r') mod 2^24  (2.2.2). irk 16 octets, prand 3 octets, result 3 octets; on-air order. */
export function ah(irk: Uint8Array, prand: Uint8Array): Uint8Array {
  requireLength('irk', irk, LENGTH.key);
  requireLength('prand', prand, LENGTH.prand);
  const encrypted = preparedCipher(irk).encryptBlock(ahPlaintext(prand));
  return Uint8Array.of(encrypted[15]!, encrypted[14]!, encrypted[13]!);
}

/** Six octets whose two most significant bits are 0b01, the RPA sub-type (Vol 6 Part B 1.3): base's check. */
function isRpa(bytes: Uint8Array): boolean {
  return bytes.length === LENGTH.address && isResolvablePrivateAddress({ bytes, type: 'random' });
}

// prand's random part (22 bits) must hold at least one 0 bit and one 1 bit (Vol 6 Part B 1.3.2.2).
function randomPrand(): Uint8Array {
  for (;;) {
    const prand = randomBytes(LENGTH.prand);
    prand[2] = (prand[2]! & ~RPA_TYPE_MASK & 0xff) | RPA_TYPE_BITS;
    const random = prand[0]! | (prand[1]! << 8) | ((prand[2]! & 0x3f) << 16);
    if (random !== 0 && random !== 0x3fffff) return prand;
  }
}

/** A fresh resolvable private address for `irk`: 6 octets, on-air order (hash, then prand). */
export function generateRpa(irk: Uint8Array): Uint8Array {
  requireLength('irk', irk, LENGTH.key);
  const prand = randomPrand();
  const address = new Uint8Array(LENGTH.address);
  address.set(ah(irk, prand), 0);
  address.set(prand, LENGTH.hash);
  return address;
}

/** Whether `address` (6 octets, on-air order) is an RPA generated from `irk`. */
export function resolveRpa(address: Uint8Array, irk: Uint8Array): boolean {
  return resolveRpaAmong(address, [irk]) === 0;
}

/**
 * A prepared list of IRKs: private copies with each AES key schedule expanded once. For resolving many
 * addresses against a list that changes rarely (a scanner against its bonded peers): no per-call cache
 * lookups or mutation checks. Later changes to the arrays it was built from do not affect it.
 */
export class IrkSet {
  readonly size: number;
  readonly #ciphers: AesBlockCipher[];

  constructor(irks: readonly Uint8Array[]) {
    const provider = getCryptoProvider();
    this.#ciphers = irks.map((irk, i) => {
      requireLength(`irks[${i}]`, irk, LENGTH.key);
      return provider.aes128(irk.slice().reverse());
    });
    this.size = irks.length;
  }

  /** The index of the first IRK that resolves `address` (6 octets, on-air order), or -1. */
  resolve(address: Uint8Array): number {
    requireLength('address', address, LENGTH.address);
    if (!isRpa(address)) return -1;
    const plaintext = ahPlaintext(address.subarray(LENGTH.hash));
    const hash = address.subarray(0, LENGTH.hash);
    const ciphers = this.#ciphers;
    for (let i = 0; i < ciphers.length; i++) {
      if (hashMatches(ciphers[i]!.encryptBlock(plaintext), hash)) return i;
    }
    return -1;
  }
}

/**
 * The index in `irks` of the first IRK that resolves `address`, or -1 when none does (or the address is
 * not an RPA). With an array, each IRK's key schedule is cached across calls (keyed by the IRK array
 * object, checked against changes); with an IrkSet, the prepared schedules are used directly.
 */
export function resolveRpaAmong(address: Uint8Array, irks: readonly Uint8Array[] | IrkSet): number {
  if (irks instanceof IrkSet) return irks.resolve(address);
  requireLength('address', address, LENGTH.address);
  if (!isRpa(address)) return -1;
  const plaintext = ahPlaintext(address.subarray(LENGTH.hash));
  const hash = address.subarray(0, LENGTH.hash);
  for (let i = 0; i < irks.length; i++) {
    const irk = irks[i]!;
    requireLength(`irks[${i}]`, irk, LENGTH.key);
    if (hashMatches(preparedCipher(irk).encryptBlock(plaintext), hash)) return i;
  }
  return -1;
}
