/**
 * P-256 for LE Secure Connections (Core 6.0 Vol 3 Part H 2.3.5.6): key pairs, the DHKey, and validation
 * of the peer's public key. Keys and coordinates are 32 octets in on-air order (least significant octet
 * first, as in the Pairing Public Key PDU); the provider is handed them big-endian.
 */
import { equalBytes } from '@tsble/base';
import { bigIntToBytes, requireLength, reverse } from './bytes.js';
import { LENGTH } from './constants.js';
import {
  CryptoProviderError,
  InvalidPrivateKeyError,
  InvalidPublicKeyError,
  type InvalidPublicKeyReason,
} from './errors.js';
import { type BigEndianPoint, type CryptoProvider, getCryptoProvider } from './provider.js';

/** A P-256 public key: x and y, 32 octets each, least significant octet first. */
export interface P256PublicKey {
  x: Uint8Array;
  y: Uint8Array;
}

/** A P-256 key pair; `privateKey` is 32 octets, least significant octet first. */
export interface P256KeyPair {
  privateKey: Uint8Array;
  publicKey: P256PublicKey;
}

// The curve's domain parameters (FIPS 186-4 D.1.2.3, SEC 2 2.4.2): y^2 = x^3 - 3x + b over GF(p), order n.
// Written out rather than read from @noble/curves, whose module builds three curves when it loads (about
// 9 ms of every process start) and is needed only by the noble provider.
const FIELD_PRIME = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const GROUP_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const CURVE_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

/** y^2 = x^3 - 3x + b (mod p), for coordinates already in [0, p). */
function isOnCurve(x: bigint, y: bigint): boolean {
  const right = (((x * x) % FIELD_PRIME) * x - 3n * x + CURVE_B) % FIELD_PRIME;
  return (y * y - right) % FIELD_PRIME === 0n;
}

/**
 * 32 octets in on-air order (least significant first) as a bigint, read 64 bits at a time: no reversed copy
 * and 4 bigint steps instead of 32 (every DHKey validates the peer's key and checks its own private key).
 */
function onAirToBigInt(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, LENGTH.p256Coordinate);
  return (
    (view.getBigUint64(24, true) << 192n) |
    (view.getBigUint64(16, true) << 128n) |
    (view.getBigUint64(8, true) << 64n) |
    view.getBigUint64(0, true)
  );
}

function onAir(point: BigEndianPoint): P256PublicKey {
  return { x: reverse(point.x), y: reverse(point.y) };
}

function bigEndian(point: P256PublicKey): BigEndianPoint {
  return { x: reverse(point.x), y: reverse(point.y) };
}

/**
 * Why `publicKey` is not a valid P-256 point, or undefined when it is. Coordinates are on-air order.
 * The checks follow the attacks they stop: the point at infinity (encoded as all zeros) and y = 0 (the
 * CVE-2018-5383 "fixed coordinate" downgrade) yield predictable DHKeys; coordinates >= p and points off
 * the curve enable invalid-curve attacks that leak the private key. Coordinates of the wrong length are a
 * caller error (the PDU codec fixes them at 32 octets) and throw CryptoArgumentError.
 */
export function validateP256PublicKey(publicKey: P256PublicKey): InvalidPublicKeyReason | undefined {
  requireLength('publicKey.x', publicKey.x, LENGTH.p256Coordinate);
  requireLength('publicKey.y', publicKey.y, LENGTH.p256Coordinate);
  const x = onAirToBigInt(publicKey.x);
  const y = onAirToBigInt(publicKey.y);
  if (x === 0n && y === 0n) return 'infinity';
  if (x >= FIELD_PRIME || y >= FIELD_PRIME) return 'coordinate-out-of-range';
  if (y === 0n) return 'y-zero';
  if (!isOnCurve(x, y)) return 'off-curve';
  return undefined;
}

/** True when `publicKey` has two 32-octet coordinates forming a valid P-256 point. */
export function isValidP256PublicKey(publicKey: P256PublicKey): boolean {
  if (publicKey?.x?.length !== LENGTH.p256Coordinate || publicKey?.y?.length !== LENGTH.p256Coordinate) {
    return false;
  }
  return validateP256PublicKey(publicKey) === undefined;
}

/** The private key big-endian, after checking it lies in [1, n-1]. */
function checkedPrivateKey(privateKey: Uint8Array): Uint8Array {
  requireLength('privateKey', privateKey, LENGTH.p256Coordinate);
  const scalar = onAirToBigInt(privateKey);
  if (scalar === 0n || scalar >= GROUP_ORDER) throw new InvalidPrivateKeyError();
  return reverse(privateKey);
}

/**
 * Provider handles (prepared private keys, e.g. WebCrypto CryptoKeys) by the caller's private key array.
 * A WeakMap: the handle lives exactly as long as the caller keeps the key, and this module never holds a
 * private key by itself. The copy and provider are checked on use, so a key changed in place or a switched
 * provider is simply prepared again.
 */
const preparedKeys = new WeakMap<
  Uint8Array,
  { key: Uint8Array; provider: CryptoProvider; handle: unknown }
>();

async function providerHandle(
  provider: CryptoProvider,
  privateKey: Uint8Array,
  bigEndianKey: Uint8Array,
): Promise<unknown> {
  const entry = preparedKeys.get(privateKey);
  if (entry !== undefined && entry.provider === provider && equalBytes(entry.key, privateKey)) {
    return entry.handle;
  }
  if (provider.p256PrepareKey === undefined) return undefined;
  const handle = await callProvider(provider, 'p256PrepareKey', () => provider.p256PrepareKey!(bigEndianKey));
  preparedKeys.set(privateKey, { key: privateKey.slice(), provider, handle });
  return handle;
}

/** Runs one provider operation; whatever it throws becomes a CryptoProviderError naming the provider. */
async function callProvider<T>(
  provider: CryptoProvider,
  operation: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    throw new CryptoProviderError(provider.name, operation, cause);
  }
}

/** A fresh P-256 key pair from the current provider's random source. */
export async function p256GenerateKeyPair(): Promise<P256KeyPair> {
  const provider = getCryptoProvider();
  const pair = await callProvider(provider, 'p256GenerateKeyPair', () => provider.p256GenerateKeyPair());
  const privateKey = reverse(pair.privateKey);
  if (pair.handle !== undefined) {
    preparedKeys.set(privateKey, { key: privateKey.slice(), provider, handle: pair.handle });
  }
  return { privateKey, publicKey: onAir(pair.publicKey) };
}

/** The public key of `privateKey`. Rejects with InvalidPrivateKeyError when it is 0 or >= n. */
export async function p256PublicKey(privateKey: Uint8Array): Promise<P256PublicKey> {
  const key = checkedPrivateKey(privateKey);
  const provider = getCryptoProvider();
  return onAir(await callProvider(provider, 'p256PublicKey', () => provider.p256PublicKey(key)));
}

/**
 * DHKey = x coordinate of privateKey * peerPublicKey, 32 octets on-air order (Vol 3 Part H 2.3.5.6.1).
 * Rejects with InvalidPublicKeyError (reason in `.reason`) before any computation when the peer key is
 * not a valid point; the pairing must then fail (DHKey Check Failed).
 */
export async function p256DhKey(privateKey: Uint8Array, peerPublicKey: P256PublicKey): Promise<Uint8Array> {
  const reason = validateP256PublicKey(peerPublicKey);
  if (reason !== undefined) throw new InvalidPublicKeyError(reason);
  const key = checkedPrivateKey(privateKey);
  const peer = bigEndian(peerPublicKey);
  // One provider for the whole call, so a handle never reaches a provider that did not make it.
  const provider = getCryptoProvider();
  const handle = await providerHandle(provider, privateKey, key);
  return reverse(await callProvider(provider, 'p256DhKey', () => provider.p256DhKey(key, peer, handle)));
}

// The SMP debug key pair, Vol 3 Part H 2.3.5.6.1, printed there most significant octet first.
const DEBUG_PRIVATE_KEY_HEX = '3f49f6d4a3c55f3874c9b3e3d2103f504aff607beb40b7995899b8a6cd3c1abd';
const DEBUG_PUBLIC_X_HEX = '20b003d2f297be2c5e2c83a7e9f9a5b9eff49111acf4fddbcc0301480e359de6';
const DEBUG_PUBLIC_Y_HEX = 'dc809c49652aeb6d63329abf5a52155c766345c28fed3024741c8ed01589d28b';

function onAirFromSpecHex(hex: string): Uint8Array {
  return reverse(bigIntToBytes(BigInt(`0x${hex}`), LENGTH.p256Coordinate));
}

/** The debug private key (on-air order). Only for debug mode and tests: it is public knowledge. */
export const DEBUG_PRIVATE_KEY: Uint8Array = onAirFromSpecHex(DEBUG_PRIVATE_KEY_HEX);

/** The debug public key (on-air order). A peer sending it is in debug mode: its link is not secret. */
export const DEBUG_PUBLIC_KEY: P256PublicKey = {
  x: onAirFromSpecHex(DEBUG_PUBLIC_X_HEX),
  y: onAirFromSpecHex(DEBUG_PUBLIC_Y_HEX),
};

/** The debug key pair (Vol 3 Part H 2.3.5.6.1). */
export const DEBUG_KEY_PAIR: P256KeyPair = { privateKey: DEBUG_PRIVATE_KEY, publicKey: DEBUG_PUBLIC_KEY };

/** True when `publicKey` is the SMP debug public key: the link's keys can be derived by anyone. */
export function isDebugPublicKey(publicKey: P256PublicKey): boolean {
  return equalBytes(publicKey.x, DEBUG_PUBLIC_KEY.x) && equalBytes(publicKey.y, DEBUG_PUBLIC_KEY.y);
}
