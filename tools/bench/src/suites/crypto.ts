/**
 * smp-core's crypto toolbox: every function, P-256 DHKey through each provider against node:crypto's raw
 * ECDH as the native baseline, and RPA resolution among growing IRK lists.
 */
import { createECDH, type webcrypto } from 'node:crypto';
import {
  aesCmac,
  ah,
  type CryptoProvider,
  c1,
  DEBUG_KEY_PAIR,
  e,
  f4,
  f5,
  f6,
  g2,
  generateRpa,
  h6,
  h7,
  IrkSet,
  isValidP256PublicKey,
  linkKeyToLtk,
  ltkToLinkKey,
  nobleProvider,
  p256DhKey,
  p256GenerateKeyPair,
  p256PublicKey,
  randomBytes,
  resolveRpa,
  resolveRpaAmong,
  s1,
  setCryptoProvider,
  webCryptoProvider,
} from '@tsble/smp-core';
import { nodeCipherAes128, nodeCryptoProvider } from '@tsble/smp-core/node';
import type { BenchCase, BenchSuite } from '../harness.js';

/** node:crypto for everything, AES included: shows why the node provider keeps noble's AES. */
const nodeAesProvider: CryptoProvider = { ...nodeCryptoProvider, name: 'node+aes', aes128: nodeCipherAes128 };

const providers: [string, CryptoProvider][] = [
  ['webcrypto (default)', webCryptoProvider],
  ['noble', nobleProvider],
  ['node', nodeCryptoProvider],
];

/**
 * Runs `fn` with `provider` installed, and puts the platform default back when it is done (after the promise
 * settles, for async work): a provider left installed would time every later suite with it (the host suite's
 * RPA resolution ran 3x slower on the node-AES provider left behind by the last case here).
 */
function using<T>(provider: CryptoProvider, fn: () => T): () => T {
  return () => {
    setCryptoProvider(provider);
    let result: T;
    try {
      result = fn();
    } catch (error) {
      setCryptoProvider(undefined);
      throw error;
    }
    if (result instanceof Promise) return result.finally(() => setCryptoProvider(undefined)) as T;
    setCryptoProvider(undefined);
    return result;
  };
}

function toolboxCases(provider: CryptoProvider, suffix: string): BenchCase[] {
  const k = randomBytes(16);
  const u = randomBytes(32);
  const v = randomBytes(32);
  const n1 = randomBytes(16);
  const n2 = randomBytes(16);
  const a1 = randomBytes(7);
  const a2 = randomBytes(7);
  const ioCap = Uint8Array.of(0x03, 0x00, 0x0d);
  const preq = Uint8Array.of(0x01, 0x03, 0x00, 0x0d, 0x10, 0x07, 0x07);
  const address = randomBytes(6);
  const irk = randomBytes(16);
  const rpa = generateRpa(irk);
  const message64 = randomBytes(64);
  const cases: [string, () => unknown][] = [
    ['e', () => e(k, n1)],
    ['aesCmac 16 B', () => aesCmac(k, n1)],
    ['aesCmac 64 B', () => aesCmac(k, message64)],
    ['f4', () => f4(u, v, n1, 0)],
    ['f5', () => f5(u, n1, n2, a1, a2)],
    ['f6', () => f6(k, n1, n2, n1, ioCap, a1, a2)],
    ['g2', () => g2(u, v, n1, n2)],
    ['h6', () => h6(k, 'lebr')],
    ['h7', () => h7(k, n1)],
    ['ltkToLinkKey ct2', () => ltkToLinkKey(k, true)],
    ['linkKeyToLtk ct2', () => linkKeyToLtk(k, true)],
    ['ah', () => ah(irk, rpa.subarray(3))],
    ['generateRpa', () => generateRpa(irk)],
    ['resolveRpa', () => resolveRpa(rpa, irk)],
    ['c1', () => c1(k, n1, preq, preq, 1, address, 0, address)],
    ['s1', () => s1(k, n1, n2)],
  ];
  return cases.map(([name, fn]) => ({ name: `${name}${suffix}`, fn: using(provider, fn) }));
}

const NATIVE = 'p256DhKey native node:crypto ECDH';
const NATIVE_PAIRING = 'keypair+DHKey native node:crypto';

/** node:crypto's ECDH with no validation or conversion: what native code costs. */
function nativeDhKey(privateKey: Uint8Array, peerUncompressed: Uint8Array): () => Uint8Array {
  return () => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(privateKey);
    return ecdh.computeSecret(peerUncompressed);
  };
}

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

/**
 * WebCrypto's own cost for a DHKey, with nothing of smp-core around it: the peer's key imported ('raw') and
 * the bits derived with a private CryptoKey at hand (warm), or with the private key imported first as PKCS #8
 * (cold). What the default provider cannot go below on this platform; node spends it in its WebCrypto layer
 * and OpenSSL (key checks on import, a thread-pool job per derivation, OpenSSL 3's PKCS #8 decoder).
 */
function webCryptoFloor(
  own: webcrypto.CryptoKey,
  ownPkcs8: ArrayBuffer | undefined,
  peerUncompressed: Uint8Array,
) {
  const subtle = globalThis.crypto.subtle;
  return async () => {
    const privateKey =
      ownPkcs8 === undefined
        ? own
        : await subtle.importKey('pkcs8', ownPkcs8, ECDH_P256, false, ['deriveBits']);
    const peer = await subtle.importKey('raw', peerUncompressed, ECDH_P256, false, []);
    return subtle.deriveBits({ name: 'ECDH', public: peer }, privateKey, 256);
  };
}

/** A pairing's whole P-256 work on one side, natively: generate a key pair, compute the DHKey. */
function nativePairing(peerUncompressed: Uint8Array): () => Uint8Array {
  return () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return ecdh.computeSecret(peerUncompressed);
  };
}

async function p256Cases(): Promise<BenchCase[]> {
  setCryptoProvider(nodeCryptoProvider);
  const peer = await p256GenerateKeyPair();
  setCryptoProvider(undefined);
  const peerUncompressed = Uint8Array.of(
    0x04,
    ...peer.publicKey.x.slice().reverse(),
    ...peer.publicKey.y.slice().reverse(),
  );
  const floorKey = await globalThis.crypto.subtle.generateKey(ECDH_P256, true, ['deriveBits']);
  const floorPkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', floorKey.privateKey);
  const cases: BenchCase[] = [
    { name: NATIVE, fn: nativeDhKey(DEBUG_KEY_PAIR.privateKey.slice().reverse(), peerUncompressed) },
    {
      name: 'p256DhKey floor: WebCrypto alone, warm key',
      fn: webCryptoFloor(floorKey.privateKey, undefined, peerUncompressed),
      baseline: NATIVE,
    },
    {
      name: 'p256DhKey floor: WebCrypto alone, cold key',
      fn: webCryptoFloor(floorKey.privateKey, floorPkcs8, peerUncompressed),
      baseline: NATIVE,
    },
  ];
  for (const [label, provider] of providers) {
    setCryptoProvider(provider);
    const own = await p256GenerateKeyPair(); // the provider keeps its prepared key for this pair
    setCryptoProvider(undefined);
    // Goals for the default provider only (issue 14): a WebCrypto DHKey within 3x native code for a key it
    // made, 5x for one it must import.
    const isDefault = provider === webCryptoProvider;
    cases.push({
      name: `p256DhKey ${label}`,
      fn: using(provider, () => p256DhKey(own.privateKey, peer.publicKey)),
      baseline: NATIVE,
      ...(isDefault ? { goal: { ratio: 3 } } : {}),
    });
    cases.push({
      // A private key the provider has not seen (e.g. loaded from storage): imported on every call.
      name: `p256DhKey ${label}, cold key`,
      fn: using(provider, () => p256DhKey(own.privateKey.slice(), peer.publicKey)),
      baseline: NATIVE,
      ...(isDefault ? { goal: { ratio: 5 } } : {}),
    });
  }
  cases.push({ name: NATIVE_PAIRING, fn: nativePairing(peerUncompressed) });
  for (const [label, provider] of providers) {
    cases.push({
      name: `keypair+DHKey ${label}`,
      fn: using(provider, async () => p256DhKey((await p256GenerateKeyPair()).privateKey, peer.publicKey)),
      baseline: NATIVE_PAIRING,
    });
  }
  for (const [label, provider] of providers) {
    cases.push({ name: `p256GenerateKeyPair ${label}`, fn: using(provider, () => p256GenerateKeyPair()) });
    cases.push({
      name: `p256PublicKey ${label}`,
      fn: using(provider, () => p256PublicKey(DEBUG_KEY_PAIR.privateKey)),
    });
  }
  cases.push({ name: 'isValidP256PublicKey', fn: () => isValidP256PublicKey(peer.publicKey) });
  return cases;
}

/**
 * One RPA resolved against N IRKs, matching the last one: the full scan a scanner pays per advert. Both
 * forms: a plain array (schedules cached per IRK array) and a prepared IrkSet.
 */
function rpaAmongCases(provider: CryptoProvider, suffix: string): BenchCase[] {
  return [10, 100, 1000, 10000].flatMap((count): BenchCase[] => {
    const irks = Array.from({ length: count }, () => randomBytes(16));
    setCryptoProvider(provider);
    const irkSet = new IrkSet(irks);
    setCryptoProvider(undefined);
    const rpa = generateRpa(irks[count - 1]!);
    const name = `resolveRpaAmong ${count.toLocaleString('en-US')} IRKs${suffix}`;
    const expectLast = (index: number) => {
      if (index !== count - 1) throw new Error('RPA did not resolve to the last IRK');
    };
    return [
      { name, fn: using(provider, () => expectLast(resolveRpaAmong(rpa, irks))) },
      { name: `${name} (IrkSet)`, fn: () => expectLast(irkSet.resolve(rpa)), baseline: name },
    ];
  });
}

export const suite: BenchSuite = {
  name: 'crypto',
  async cases() {
    return [
      ...toolboxCases(webCryptoProvider, ''),
      ...toolboxCases(nodeAesProvider, ' [node AES]').filter((c) => /^(e|f5|resolveRpa) /.test(c.name)),
      ...(await p256Cases()),
      ...rpaAmongCases(webCryptoProvider, ''),
      ...rpaAmongCases(nodeAesProvider, ' [node AES]').filter((c) =>
        c.name.endsWith('1,000 IRKs [node AES]'),
      ),
    ];
  },
};
