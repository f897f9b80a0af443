import { isResolvablePrivateAddress } from '@tsble/base';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from './bytes.js';
import { CryptoArgumentError } from './errors.js';
import { setCryptoProvider } from './provider.js';
import { allProviders } from './providers.test-support.js';
import { ah, generateRpa, IrkSet, resolveRpa, resolveRpaAmong } from './rpa.js';
import { specData as d, onAir } from './vectors.test-support.js';

describe.each(allProviders)('resolvable private addresses, provider $name', ({ provider }) => {
  beforeAll(() => setCryptoProvider(provider));
  afterAll(() => setCryptoProvider(undefined));

  it('resolves the spec sample address 70:81:94:0d:fb:aa', () => {
    const address = onAir(`${d.ah.prand}${d.ah.out}`); // printed prand || hash; on air hash comes first
    expect(resolveRpa(address, onAir(d.ah.IRK))).toBe(true);
  });

  it('round trip: generate -> resolve; a wrong IRK does not resolve', () => {
    const irk = randomBytes(16);
    const other = randomBytes(16);
    for (let i = 0; i < 20; i++) {
      const address = generateRpa(irk);
      expect(address).toHaveLength(6);
      expect(address[5]! >> 6).toBe(0b01); // the two most significant bits
      expect(resolveRpa(address, irk)).toBe(true);
      expect(resolveRpa(address, other)).toBe(false);
    }
  });

  it('resolveRpaAmong returns the index of the matching IRK, or -1', () => {
    const irks = Array.from({ length: 50 }, () => randomBytes(16));
    const address = generateRpa(irks[37]!);
    expect(resolveRpaAmong(address, irks)).toBe(37);
    expect(resolveRpaAmong(address, irks.slice(0, 37))).toBe(-1);
    expect(resolveRpaAmong(address, [])).toBe(-1);
  });

  it('IrkSet resolves like the array form and is not affected by later changes to its source arrays', () => {
    const irks = Array.from({ length: 20 }, () => randomBytes(16));
    const set = new IrkSet(irks);
    expect(set.size).toBe(20);
    const address = generateRpa(irks[13]!);
    expect(resolveRpaAmong(address, set)).toBe(13);
    expect(set.resolve(address)).toBe(resolveRpaAmong(address, irks));
    irks[13]!.fill(0);
    expect(set.resolve(address)).toBe(13);
    expect(resolveRpaAmong(address, irks)).toBe(-1);
    expect(set.resolve(generateRpa(randomBytes(16)))).toBe(-1);
    expect(() => new IrkSet([new Uint8Array(15)])).toThrow(CryptoArgumentError);
  });

  it('a cached key schedule follows an IRK changed in place', () => {
    const irk = randomBytes(16);
    const address = generateRpa(irk);
    expect(resolveRpaAmong(address, [irk])).toBe(0);
    const original = irk.slice();
    irk[0]! ^= 0x01;
    expect(resolveRpaAmong(address, [irk])).toBe(-1);
    irk.set(original);
    expect(resolveRpaAmong(address, [irk])).toBe(0);
  });

  it('an address whose top bits are not 0b01 never resolves', () => {
    const irk = randomBytes(16);
    const address = generateRpa(irk);
    for (const topBits of [0x00, 0x80, 0xc0]) {
      const altered = address.slice();
      altered[5] = (altered[5]! & 0x3f) | topBits;
      expect(isResolvablePrivateAddress({ bytes: altered, type: 'random' })).toBe(false);
      expect(resolveRpa(altered, irk)).toBe(false);
    }
  });
});

describe('RPA properties', () => {
  it('property: any generated RPA resolves to its own IRK and carries hash = ah(irk, prand)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (irk) => {
        const address = generateRpa(irk);
        expect(address.subarray(0, 3)).toEqual(ah(irk, address.subarray(3)));
        expect(resolveRpa(address, irk)).toBe(true);
        // prand's random 22 bits are neither all zeros nor all ones (Vol 6 Part B 1.3.2.2).
        const random = address[3]! | (address[4]! << 8) | ((address[5]! & 0x3f) << 16);
        expect(random).not.toBe(0);
        expect(random).not.toBe(0x3fffff);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects malformed arguments with CryptoArgumentError', () => {
    expect(() => generateRpa(new Uint8Array(15))).toThrow(CryptoArgumentError);
    expect(() => resolveRpa(new Uint8Array(5), new Uint8Array(16))).toThrow(CryptoArgumentError);
    expect(() => resolveRpaAmong(generateRpa(new Uint8Array(16)), [new Uint8Array(8)])).toThrow(
      CryptoArgumentError,
    );
  });
});
