/**
 * The pluggable crypto backend. The toolbox (f4..h7, ah, c1, s1, the P-256 functions) is written once
 * against this small interface; a provider supplies AES-128 and P-256 ECDH from whatever the platform
 * has: WebCrypto (the default), @noble (pure JS, the fallback), or node:crypto (`installNodeCrypto()`
 * from `@tsble/smp-core/node`).
 *
 * Providers speak the encoding crypto libraries use (AES byte order; P-256 integers and coordinates
 * big-endian, SEC 1); the toolbox converts to and from on-air order. Providers are only ever handed
 * private keys in [1, n-1] and peer points that already passed validation (p256.ts): validation is
 * never delegated to a provider.
 */
import { nobleProvider } from './providers/noble.js';
import { webCryptoProvider } from './providers/webcrypto.js';

/** AES-128 with its key schedule prepared once; encrypts 16-octet blocks in AES byte order. */
export interface AesBlockCipher {
  /** Encrypts one 16-octet block; returns a new array and leaves `block` untouched. */
  encryptBlock(block: Uint8Array): Uint8Array;
}

/** A P-256 point as crypto libraries write it: 32-octet big-endian coordinates. */
export interface BigEndianPoint {
  x: Uint8Array;
  y: Uint8Array;
}

/** What a crypto backend must supply. All values big-endian / AES byte order (see the module comment). */
export interface CryptoProvider {
  readonly name: string;
  /** Prepares AES-128 for a 16-octet key (AES byte order). Synchronous: SMP's AES functions are. */
  aes128(key: Uint8Array): AesBlockCipher;
  /**
   * A fresh key pair: 32-octet big-endian private key in [1, n-1] and its public point. `handle`, when
   * given, is the provider's prepared form of the private key (e.g. a WebCrypto CryptoKey), handed back to
   * `p256DhKey` so the key need not be imported again.
   */
  p256GenerateKeyPair(): Promise<{ privateKey: Uint8Array; publicKey: BigEndianPoint; handle?: unknown }>;
  /** The public point of a (valid) private key. */
  p256PublicKey(privateKey: Uint8Array): Promise<BigEndianPoint>;
  /**
   * The x coordinate of privateKey * peer, 32 octets big-endian. `peer` is already validated. `handle` is
   * this provider's prepared form of `privateKey` when the caller has one.
   */
  p256DhKey(privateKey: Uint8Array, peer: BigEndianPoint, handle?: unknown): Promise<Uint8Array>;
  /** Optional: prepares a private key for repeated `p256DhKey` calls (where importing it is costly). */
  p256PrepareKey?(privateKey: Uint8Array): Promise<unknown>;
}

let current: CryptoProvider | undefined;

/**
 * The platform default: WebCrypto's native ECDH where `crypto.subtle` exists (Node 20+, browsers in a
 * secure context), otherwise the pure-JS noble provider.
 */
export function defaultCryptoProvider(): CryptoProvider {
  return globalThis.crypto?.subtle === undefined ? nobleProvider : webCryptoProvider;
}

/** The provider the toolbox uses now (the platform default until `setCryptoProvider` is called). */
export function getCryptoProvider(): CryptoProvider {
  current ??= defaultCryptoProvider();
  return current;
}

/** Switches the backend for every later call; pass `undefined` to go back to the platform default. */
export function setCryptoProvider(provider: CryptoProvider | undefined): void {
  current = provider;
}
