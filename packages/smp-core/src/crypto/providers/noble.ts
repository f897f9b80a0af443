/**
 * The portable provider: @noble/curves and @noble/ciphers, pure JavaScript. About 20x slower than native
 * ECDH, but it runs wherever JavaScript does, including where WebCrypto's `subtle` is absent
 * (insecure browser contexts, some embedded runtimes).
 */
import { p256 } from '@noble/curves/nist.js';
import type { BigEndianPoint, CryptoProvider } from '../provider.js';
import { nobleAes128 } from './noble-aes.js';

const UNCOMPRESSED_POINT = 0x04; // SEC 1 2.3.3

function uncompressed(point: BigEndianPoint): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(65);
  out[0] = UNCOMPRESSED_POINT;
  out.set(point.x, 1);
  out.set(point.y, 33);
  return out;
}

function splitUncompressed(bytes: Uint8Array): BigEndianPoint {
  return { x: bytes.slice(1, 33), y: bytes.slice(33, 65) };
}

export const nobleProvider: CryptoProvider = {
  name: 'noble',
  aes128: nobleAes128,
  async p256GenerateKeyPair() {
    const privateKey = p256.utils.randomSecretKey();
    return { privateKey, publicKey: splitUncompressed(p256.getPublicKey(privateKey, false)) };
  },
  async p256PublicKey(privateKey) {
    return splitUncompressed(p256.getPublicKey(privateKey, false));
  },
  async p256DhKey(privateKey, peer) {
    // The compressed shared point is 0x02/0x03 || x; the DHKey is x alone.
    return p256.getSharedSecret(privateKey, uncompressed(peer), true).slice(1);
  },
};

export { splitUncompressed, uncompressed };
