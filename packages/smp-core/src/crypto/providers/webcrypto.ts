/**
 * The default provider: the platform's WebCrypto ECDH P-256 (native code in Node 20+ and every browser),
 * with AES from aes-128.ts, because WebCrypto's AES is asynchronous and has no single-block (ECB) mode.
 *
 * WebCrypto cannot take a raw private key, so each call imports it as PKCS #8 built from the 32 raw octets
 * (RFC 5915 ECPrivateKey without the optional public key). Where a runtime refuses that form, the key is
 * imported as a JWK, which needs the public point: noble computes it.
 */
import { leftPad } from '../bytes.js';
import type { BigEndianPoint, CryptoProvider } from '../provider.js';
import { aes128 } from './aes-128.js';
import { nobleP256 } from './noble.js';
import { splitUncompressed, uncompressed } from './point-encoding.js';

const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;
const DHKEY_BITS = 256;

// DER prefix of PKCS #8 PrivateKeyInfo { version 0, id-ecPublicKey + prime256v1, ECPrivateKey
// { version 1, privateKey OCTET STRING (32) } }; the 32 private key octets follow.
const PKCS8_P256_PREFIX = Uint8Array.from([
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
  0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
]);

function subtle(): SubtleCrypto {
  return globalThis.crypto.subtle;
}

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A JWK integer or coordinate (base64url, RFC 7518 6.2) as 32 big-endian octets. */
function base64UrlDecode32(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return leftPad(
    Uint8Array.from(binary, (c) => c.charCodeAt(0)),
    32,
  );
}

// Set once a runtime has refused the PKCS #8 form, so later imports go straight to JWK.
let pkcs8Refused = false;

async function importPrivateKey(privateKey: Uint8Array, extractable: boolean): Promise<CryptoKey> {
  if (!pkcs8Refused) {
    const der = new Uint8Array(PKCS8_P256_PREFIX.length + 32);
    der.set(PKCS8_P256_PREFIX);
    der.set(privateKey, PKCS8_P256_PREFIX.length);
    try {
      return await subtle().importKey('pkcs8', der, ECDH_P256, extractable, ['deriveBits']);
    } catch {
      pkcs8Refused = true;
    }
  }
  const publicKey = splitUncompressed((await nobleP256()).getPublicKey(privateKey, false));
  const jwk: JsonWebKey = {
    kty: 'EC',
    crv: 'P-256',
    d: base64UrlEncode(privateKey),
    x: base64UrlEncode(publicKey.x),
    y: base64UrlEncode(publicKey.y),
    ext: extractable,
  };
  return subtle().importKey('jwk', jwk, ECDH_P256, extractable, ['deriveBits']);
}

async function exportPublicPoint(key: CryptoKey): Promise<BigEndianPoint> {
  const jwk = await subtle().exportKey('jwk', key);
  if (jwk.x === undefined || jwk.y === undefined) throw new Error('WebCrypto exported a JWK without x/y');
  return { x: base64UrlDecode32(jwk.x), y: base64UrlDecode32(jwk.y) };
}

function isCryptoKey(handle: unknown): handle is CryptoKey {
  return typeof CryptoKey !== 'undefined' && handle instanceof CryptoKey;
}

export const webCryptoProvider: CryptoProvider = {
  name: 'webcrypto',
  aes128,
  async p256GenerateKeyPair() {
    const pair = await subtle().generateKey(ECDH_P256, true, ['deriveBits']);
    const jwk = await subtle().exportKey('jwk', pair.privateKey);
    if (jwk.d === undefined || jwk.x === undefined || jwk.y === undefined) {
      throw new Error('WebCrypto exported an incomplete private JWK');
    }
    return {
      privateKey: base64UrlDecode32(jwk.d),
      publicKey: { x: base64UrlDecode32(jwk.x), y: base64UrlDecode32(jwk.y) },
      // The generated CryptoKey itself: p256DhKey then skips importing the private key (the costly part).
      handle: pair.privateKey,
    };
  },
  async p256PublicKey(privateKey) {
    return exportPublicPoint(await importPrivateKey(privateKey, true));
  },
  async p256DhKey(privateKey, peer, handle) {
    const [own, theirs] = await Promise.all([
      isCryptoKey(handle) ? handle : importPrivateKey(privateKey, false),
      subtle().importKey('raw', uncompressed(peer), ECDH_P256, false, []),
    ]);
    const bits = await subtle().deriveBits({ name: 'ECDH', public: theirs }, own, DHKEY_BITS);
    return new Uint8Array(bits);
  },
  p256PrepareKey(privateKey) {
    return importPrivateKey(privateKey, false);
  },
};
