/**
 * AES-128 encryption (FIPS-197), the one direction SMP uses: e, AES-CMAC (RFC 4493), ah and c1 all encrypt.
 * Every provider uses it for single blocks under a reused key (CMAC chains, one IRK against many addresses),
 * so the key schedule is expanded once per key.
 *
 * Written for start-up as much as speed: the S-box and the four 256-entry round tables (5 KB) are computed
 * on first use, in a fraction of a millisecond. @noble/ciphers, used before, builds 64K-entry tables for
 * both directions when its module loads: about 19 ms of every process start on the bench machine, for a
 * CLI command that may never encrypt a block.
 *
 * Like noble's, the table lookups depend on key and data (not constant-time); SMP's AES runs on keys and
 * values an attacker cannot time block by block.
 */
import type { AesBlockCipher } from '../provider.js';

interface Tables {
  sbox: Uint8Array;
  /** Round tables: SubBytes then MixColumns of one state octet in row 0..3, as a big-endian column word. */
  t0: Uint32Array;
  t1: Uint32Array;
  t2: Uint32Array;
  t3: Uint32Array;
}

let tables: Tables | undefined;

/** Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 4.2.1). */
function xtime(a: number): number {
  return ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;
}

const rotl8 = (a: number, n: number) => ((a << n) | (a >>> (8 - n))) & 0xff;
const rotr32 = (w: number, n: number) => ((w >>> n) | (w << (32 - n))) >>> 0;

/**
 * The S-box (FIPS-197 5.1.1): the multiplicative inverse in GF(2^8), from powers of the generator 3, then
 * the affine transformation b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63.
 */
function buildTables(): Tables {
  const power = new Uint8Array(256);
  const log = new Uint8Array(256);
  for (let i = 0, a = 1; i < 255; i++) {
    power[i] = a;
    log[a] = i;
    a ^= xtime(a); // a * 3
  }
  const sbox = new Uint8Array(256);
  const t0 = new Uint32Array(256);
  for (let a = 0; a < 256; a++) {
    const inverse = a === 0 ? 0 : power[(255 - log[a]!) % 255]!;
    const s = inverse ^ rotl8(inverse, 1) ^ rotl8(inverse, 2) ^ rotl8(inverse, 3) ^ rotl8(inverse, 4) ^ 0x63;
    sbox[a] = s;
    // MixColumns (5.1.3) column [02 01 01 03] times s: what an octet in row 0 adds to its column.
    const s2 = xtime(s);
    t0[a] = ((s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s)) >>> 0;
  }
  // Rows 1..3 add the same products rotated down the column.
  return {
    sbox,
    t0,
    t1: t0.map((w) => rotr32(w, 8)),
    t2: t0.map((w) => rotr32(w, 16)),
    t3: t0.map((w) => rotr32(w, 24)),
  };
}

function word(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>>
    0
  );
}

function subWord(sbox: Uint8Array, w: number): number {
  return (
    ((sbox[w >>> 24]! << 24) |
      (sbox[(w >>> 16) & 0xff]! << 16) |
      (sbox[(w >>> 8) & 0xff]! << 8) |
      sbox[w & 0xff]!) >>>
    0
  );
}

/** KeyExpansion for Nk = 4, Nr = 10 (FIPS-197 5.2): 44 round-key words. */
function expandKey(key: Uint8Array, sbox: Uint8Array): Uint32Array {
  if (key.length !== 16) throw new RangeError(`AES-128 needs a 16-octet key, got ${key.length}`);
  const w = new Uint32Array(44);
  for (let i = 0; i < 4; i++) w[i] = word(key, 4 * i);
  for (let i = 4, rcon = 1; i < 44; i++) {
    let temp = w[i - 1]!;
    if (i % 4 === 0) {
      temp = (subWord(sbox, rotr32(temp, 24)) ^ (rcon << 24)) >>> 0; // SubWord(RotWord(temp)) xor Rcon
      rcon = xtime(rcon);
    }
    w[i] = (w[i - 4]! ^ temp) >>> 0;
  }
  return w;
}

/** AES-128 with `key`'s schedule expanded once; each block is encrypted with 10 rounds (FIPS-197 5.1). */
export function aes128(key: Uint8Array): AesBlockCipher {
  tables ??= buildTables();
  const { sbox, t0, t1, t2, t3 } = tables;
  const w = expandKey(key, sbox);
  return {
    encryptBlock(block: Uint8Array): Uint8Array {
      if (block.length !== 16) throw new RangeError(`AES encrypts 16-octet blocks, got ${block.length}`);
      let s0 = word(block, 0) ^ w[0]!;
      let s1 = word(block, 4) ^ w[1]!;
      let s2 = word(block, 8) ^ w[2]!;
      let s3 = word(block, 12) ^ w[3]!;
      // Rounds 1..9: SubBytes, ShiftRows (row r of column c comes from column c + r) and MixColumns through
      // the round tables, then AddRoundKey.
      for (let k = 4; k < 40; k += 4) {
        const n0 = t0[s0 >>> 24]! ^ t1[(s1 >>> 16) & 0xff]! ^ t2[(s2 >>> 8) & 0xff]! ^ t3[s3 & 0xff]! ^ w[k]!;
        const n1 =
          t0[s1 >>> 24]! ^ t1[(s2 >>> 16) & 0xff]! ^ t2[(s3 >>> 8) & 0xff]! ^ t3[s0 & 0xff]! ^ w[k + 1]!;
        const n2 =
          t0[s2 >>> 24]! ^ t1[(s3 >>> 16) & 0xff]! ^ t2[(s0 >>> 8) & 0xff]! ^ t3[s1 & 0xff]! ^ w[k + 2]!;
        const n3 =
          t0[s3 >>> 24]! ^ t1[(s0 >>> 16) & 0xff]! ^ t2[(s1 >>> 8) & 0xff]! ^ t3[s2 & 0xff]! ^ w[k + 3]!;
        s0 = n0;
        s1 = n1;
        s2 = n2;
        s3 = n3;
      }
      // Round 10: no MixColumns.
      const out = new Uint8Array(16);
      const last = (a: number, b: number, c: number, d: number, k: number, at: number) => {
        const v = w[k]!;
        out[at] = sbox[a >>> 24]! ^ (v >>> 24);
        out[at + 1] = sbox[(b >>> 16) & 0xff]! ^ ((v >>> 16) & 0xff);
        out[at + 2] = sbox[(c >>> 8) & 0xff]! ^ ((v >>> 8) & 0xff);
        out[at + 3] = sbox[d & 0xff]! ^ (v & 0xff);
      };
      last(s0, s1, s2, s3, 40, 0);
      last(s1, s2, s3, s0, 41, 4);
      last(s2, s3, s0, s1, 42, 8);
      last(s3, s0, s1, s2, 43, 12);
      return out;
    },
  };
}
