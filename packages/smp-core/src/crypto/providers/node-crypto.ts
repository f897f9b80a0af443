/**
 * The node:crypto provider (OpenSSL): native ECDH without WebCrypto's key-import round trips. Reached only
 * through `installNodeCrypto()` in `@tsble/smp-core/node`, so browser bundles of the main entry never see it.
 *
 * AES stays on aes-128.ts's table cipher in JavaScript: SMP encrypts one to a handful of blocks per key, and there the
 * cost of a node:crypto call (a cipher context per key, a Buffer per block) outweighs OpenSSL's faster
 * rounds. Measured by tools/bench (e, f5 and RPA resolution "[node AES]" rows): about 2x to 3x slower.
 * `nodeCipherAes128` remains for that comparison and for platforms where it wins.
 */
import { createCipheriv, createECDH, type ECDH } from 'node:crypto';
import { leftPad } from '../bytes.js';
import type { AesBlockCipher, CryptoProvider } from '../provider.js';
import { aes128 } from './aes-128.js';
import { splitUncompressed, uncompressed } from './point-encoding.js';

const CURVE = 'prime256v1'; // OpenSSL's name for P-256 (secp256r1)

/** AES-128 through an OpenSSL ECB context, its key schedule set up once per key. */
export function nodeCipherAes128(key: Uint8Array): AesBlockCipher {
  // One ECB context per key: encryption emits each complete block at once, so update() per block works
  // and the schedule is expanded only here.
  const cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return {
    encryptBlock(block: Uint8Array): Uint8Array {
      // Copy out of Node's Buffer pool into a plain Uint8Array.
      return new Uint8Array(cipher.update(block));
    },
  };
}

/** This provider's prepared private key: an ECDH context with the key already set. */
class NodeKeyHandle {
  constructor(readonly ecdh: ECDH) {}
}

function contextFor(privateKey: Uint8Array): ECDH {
  const ecdh = createECDH(CURVE);
  ecdh.setPrivateKey(privateKey);
  return ecdh;
}

export const nodeCryptoProvider: CryptoProvider = {
  name: 'node',
  aes128,
  async p256GenerateKeyPair() {
    const ecdh = createECDH(CURVE);
    ecdh.generateKeys();
    return {
      // OpenSSL may drop leading zero octets of the private key.
      privateKey: leftPad(ecdh.getPrivateKey(), 32),
      publicKey: splitUncompressed(ecdh.getPublicKey()),
      handle: new NodeKeyHandle(ecdh),
    };
  },
  async p256PublicKey(privateKey) {
    return splitUncompressed(contextFor(privateKey).getPublicKey());
  },
  async p256DhKey(privateKey, peer, handle) {
    const ecdh = handle instanceof NodeKeyHandle ? handle.ecdh : contextFor(privateKey);
    return new Uint8Array(ecdh.computeSecret(uncompressed(peer)));
  },
  async p256PrepareKey(privateKey) {
    return new NodeKeyHandle(contextFor(privateKey));
  },
};
