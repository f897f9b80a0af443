/**
 * The portable provider: @noble/curves and our AES-128 (aes-128.ts), pure JavaScript. About 20x slower than
 * native ECDH, but it runs wherever JavaScript does, including where WebCrypto's `subtle` is absent
 * (insecure browser contexts, some embedded runtimes).
 */
import type { CryptoProvider } from '../provider.js';
import { aes128 } from './aes-128.js';
import { splitUncompressed, uncompressed } from './point-encoding.js';

let loading: Promise<typeof import('@noble/curves/nist.js')> | undefined;

/**
 * @noble/curves, loaded on first use: its module builds three curves when it loads (about 9 ms), which a
 * process on the WebCrypto or node:crypto provider would pay for nothing.
 */
export async function nobleP256() {
  loading ??= import('@noble/curves/nist.js');
  return (await loading).p256;
}

export const nobleProvider: CryptoProvider = {
  name: 'noble',
  aes128,
  async p256GenerateKeyPair() {
    const p256 = await nobleP256();
    const privateKey = p256.utils.randomSecretKey();
    return { privateKey, publicKey: splitUncompressed(p256.getPublicKey(privateKey, false)) };
  },
  async p256PublicKey(privateKey) {
    return splitUncompressed((await nobleP256()).getPublicKey(privateKey, false));
  },
  async p256DhKey(privateKey, peer) {
    // The compressed shared point is 0x02/0x03 || x; the DHKey is x alone.
    return (await nobleP256()).getSharedSecret(privateKey, uncompressed(peer), true).slice(1);
  },
};
