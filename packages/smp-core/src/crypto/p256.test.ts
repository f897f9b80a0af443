import { p256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigIntToBytes, reverse } from './bytes.js';
import {
  CryptoArgumentError,
  CryptoProviderError,
  InvalidPrivateKeyError,
  InvalidPublicKeyError,
} from './errors.js';
import {
  DEBUG_KEY_PAIR,
  DEBUG_PUBLIC_KEY,
  isDebugPublicKey,
  isValidP256PublicKey,
  type P256PublicKey,
  p256DhKey,
  p256GenerateKeyPair,
  p256PublicKey,
  validateP256PublicKey,
} from './p256.js';
import { type CryptoProvider, setCryptoProvider } from './provider.js';
import { nobleProvider } from './providers/noble.js';
import { webCryptoProvider } from './providers/webcrypto.js';
import { allProviders } from './providers.test-support.js';
import { specData as d, onAir, specHex } from './vectors.test-support.js';

const { p: P, n: N, Gx } = p256.Point.CURVE();
const onAirNumber = (value: bigint) => reverse(bigIntToBytes(value, 32));
const publicA: P256PublicKey = { x: onAir(d.p256.publicAx), y: onAir(d.p256.publicAy) };
const publicB: P256PublicKey = { x: onAir(d.p256.publicBx), y: onAir(d.p256.publicBy) };

// One invalid key per refusal reason, each a way an attacker (or a broken peer) could try it.
const invalidKeys: { label: string; key: P256PublicKey; reason: string }[] = [
  {
    label: 'all zeros (infinity)',
    key: { x: new Uint8Array(32), y: new Uint8Array(32) },
    reason: 'infinity',
  },
  { label: 'x = p', key: { x: onAirNumber(P), y: publicA.y }, reason: 'coordinate-out-of-range' },
  { label: 'y = p + y_A', key: { x: publicA.x, y: onAirNumber(P + 1n) }, reason: 'coordinate-out-of-range' },
  {
    label: 'x = 2^256 - 1',
    key: { x: new Uint8Array(32).fill(0xff), y: publicA.y },
    reason: 'coordinate-out-of-range',
  },
  { label: 'y zeroed (CVE-2018-5383)', key: { x: publicA.x, y: new Uint8Array(32) }, reason: 'y-zero' },
  { label: 'generator x with y = 0', key: { x: onAirNumber(Gx), y: new Uint8Array(32) }, reason: 'y-zero' },
  {
    label: 'y off by one',
    key: { x: publicA.x, y: onAirNumber(BigInt(`0x${d.p256.publicAy}`) + 1n) },
    reason: 'off-curve',
  },
  { label: 'x = 0, y = 1', key: { x: new Uint8Array(32), y: onAirNumber(1n) }, reason: 'off-curve' },
];

/** A provider that records whether it was ever asked to compute, to prove validation runs first. */
function countingProvider(): CryptoProvider & { calls: number } {
  const counting = {
    ...nobleProvider,
    name: 'counting',
    calls: 0,
    async p256DhKey(privateKey: Uint8Array, peer: { x: Uint8Array; y: Uint8Array }) {
      counting.calls++;
      return nobleProvider.p256DhKey(privateKey, peer);
    },
  };
  return counting;
}

describe.each(allProviders)('P-256, provider $name', ({ provider }) => {
  beforeAll(() => setCryptoProvider(provider));
  afterAll(() => setCryptoProvider(undefined));

  it('derives both sample public keys from their private keys', async () => {
    const a = await p256PublicKey(onAir(d.p256.privateA));
    const b = await p256PublicKey(onAir(d.p256.privateB));
    expect([specHex(a.x), specHex(a.y)]).toEqual([d.p256.publicAx, d.p256.publicAy]);
    expect([specHex(b.x), specHex(b.y)]).toEqual([d.p256.publicBx, d.p256.publicBy]);
  });

  it('computes the sample DHKey both ways', async () => {
    expect(specHex(await p256DhKey(onAir(d.p256.privateA), publicB))).toBe(d.p256.dhKey);
    expect(specHex(await p256DhKey(onAir(d.p256.privateB), publicA))).toBe(d.p256.dhKey);
  });

  it('generates key pairs that agree on a DHKey', async () => {
    const [alice, bob] = await Promise.all([p256GenerateKeyPair(), p256GenerateKeyPair()]);
    expect(alice.privateKey).toHaveLength(32);
    expect(isValidP256PublicKey(alice.publicKey)).toBe(true);
    expect(await p256PublicKey(alice.privateKey)).toEqual(alice.publicKey);
    const ab = await p256DhKey(alice.privateKey, bob.publicKey);
    expect(ab).toEqual(await p256DhKey(bob.privateKey, alice.publicKey));
    expect(ab).not.toEqual(await p256DhKey(alice.privateKey, alice.publicKey));
  });

  it('a private key changed in place after use is not served from a stale prepared key', async () => {
    const peer = await p256GenerateKeyPair();
    const key = onAir(d.p256.privateA);
    const withA = await p256DhKey(key, peer.publicKey);
    key.set(onAir(d.p256.privateB));
    const withB = await p256DhKey(key, peer.publicKey);
    expect(withB).not.toEqual(withA);
    expect(withB).toEqual(await p256DhKey(onAir(d.p256.privateB), peer.publicKey));
  });

  it.each(invalidKeys)('refuses a peer key: $label -> $reason', async ({ key, reason }) => {
    const refusal = p256DhKey(onAir(d.p256.privateA), key);
    await expect(refusal).rejects.toBeInstanceOf(InvalidPublicKeyError);
    await expect(refusal).rejects.toMatchObject({ reason, code: 'invalid-public-key' });
  });

  it('refuses private keys 0 and n', async () => {
    await expect(p256PublicKey(new Uint8Array(32))).rejects.toBeInstanceOf(InvalidPrivateKeyError);
    await expect(p256DhKey(onAirNumber(N), publicB)).rejects.toBeInstanceOf(InvalidPrivateKeyError);
    await expect(p256PublicKey(onAirNumber(N - 1n))).resolves.toBeDefined();
  });
});

describe('P-256 public key validation', () => {
  it.each(invalidKeys)('reports $reason for $label', ({ key, reason }) => {
    expect(validateP256PublicKey(key)).toBe(reason);
    expect(isValidP256PublicKey(key)).toBe(false);
  });

  it('accepts the sample keys and the negation of a valid point (y -> p - y)', () => {
    expect(validateP256PublicKey(publicA)).toBeUndefined();
    expect(isValidP256PublicKey(publicB)).toBe(true);
    const negated = { x: publicA.x, y: onAirNumber(P - BigInt(`0x${d.p256.publicAy}`)) };
    expect(isValidP256PublicKey(negated)).toBe(true);
  });

  it('validates before the provider computes anything', async () => {
    const provider = countingProvider();
    setCryptoProvider(provider);
    try {
      for (const { key } of invalidKeys)
        await p256DhKey(DEBUG_KEY_PAIR.privateKey, key).catch(() => undefined);
      expect(provider.calls).toBe(0);
      await p256DhKey(DEBUG_KEY_PAIR.privateKey, publicB);
      expect(provider.calls).toBe(1);
    } finally {
      setCryptoProvider(undefined);
    }
  });

  it("hands a generated key pair's prepared key (handle) back to the provider that made it", async () => {
    const seen: unknown[] = [];
    const recording: CryptoProvider = {
      ...webCryptoProvider,
      name: 'recording',
      p256DhKey(privateKey, peer, handle) {
        seen.push(handle);
        return webCryptoProvider.p256DhKey(privateKey, peer, handle);
      },
    };
    setCryptoProvider(recording);
    try {
      const own = await p256GenerateKeyPair();
      const dhKey = await p256DhKey(own.privateKey, publicB);
      expect(seen[0]).toBeInstanceOf(CryptoKey);
      // The same key through the handle-less import path gives the same DHKey.
      setCryptoProvider(nobleProvider);
      expect(await p256DhKey(own.privateKey, publicB)).toEqual(dhKey);
    } finally {
      setCryptoProvider(undefined);
    }
  });

  it('wraps a provider failure in CryptoProviderError', async () => {
    setCryptoProvider({
      ...nobleProvider,
      name: 'broken',
      p256DhKey: async () => {
        throw new Error('device lost');
      },
    });
    try {
      const failure = p256DhKey(DEBUG_KEY_PAIR.privateKey, publicB);
      await expect(failure).rejects.toBeInstanceOf(CryptoProviderError);
      await expect(failure).rejects.toMatchObject({ provider: 'broken', operation: 'p256DhKey' });
    } finally {
      setCryptoProvider(undefined);
    }
  });

  it('rejects wrong lengths with an argument error, and isValid says false', async () => {
    const short = { x: new Uint8Array(31), y: publicA.y };
    expect(isValidP256PublicKey(short)).toBe(false);
    await expect(p256DhKey(DEBUG_KEY_PAIR.privateKey, short)).rejects.toBeInstanceOf(CryptoArgumentError);
  });

  it('property: every k*G is valid, and changing y by any nonzero delta makes it invalid', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), fc.bigInt({ min: 1n, max: P - 1n }), (k, delta) => {
        const point = p256.Point.BASE.multiply(k).toAffine();
        const key = { x: onAirNumber(point.x), y: onAirNumber(point.y) };
        expect(isValidP256PublicKey(key)).toBe(true);
        const wrongY = (point.y + delta) % P;
        // Only y and p - y lie on the curve for this x.
        fc.pre(wrongY !== P - point.y);
        expect(isValidP256PublicKey({ x: key.x, y: onAirNumber(wrongY) })).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});

describe('debug keys', () => {
  it('match the spec sample key pair A', () => {
    expect(specHex(DEBUG_KEY_PAIR.privateKey)).toBe(d.p256.privateA);
    expect(DEBUG_PUBLIC_KEY).toEqual(publicA);
  });

  it('isDebugPublicKey recognises only the debug key', () => {
    expect(isDebugPublicKey(publicA)).toBe(true);
    expect(isDebugPublicKey(publicB)).toBe(false);
    expect(isDebugPublicKey({ x: publicA.x, y: publicB.y })).toBe(false);
  });
});
