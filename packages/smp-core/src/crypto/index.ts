/**
 * The SMP cryptographic toolbox (Core 6.0 Vol 3 Part H 2.2) and P-256. Every multi-octet value is a
 * Uint8Array in on-air order (least significant octet first) except aesCmac, which is plain RFC 4493.
 */
export { e } from './aes.js';
export { randomBytes } from './bytes.js';
export { aesCmac } from './cmac.js';
export {
  CryptoArgumentError,
  CryptoProviderError,
  InvalidPrivateKeyError,
  InvalidPublicKeyError,
  type InvalidPublicKeyReason,
} from './errors.js';
export { c1, s1 } from './legacy.js';
export { h6, h7, linkKeyToLtk, ltkToLinkKey } from './link-key-conversion.js';
export {
  DEBUG_KEY_PAIR,
  DEBUG_PRIVATE_KEY,
  DEBUG_PUBLIC_KEY,
  isDebugPublicKey,
  isValidP256PublicKey,
  type P256KeyPair,
  type P256PublicKey,
  p256DhKey,
  p256GenerateKeyPair,
  p256PublicKey,
  validateP256PublicKey,
} from './p256.js';
export {
  type AesBlockCipher,
  type BigEndianPoint,
  type CryptoProvider,
  defaultCryptoProvider,
  getCryptoProvider,
  setCryptoProvider,
} from './provider.js';
export { nobleProvider } from './providers/noble.js';
export { webCryptoProvider } from './providers/webcrypto.js';
export { ah, generateRpa, IrkSet, resolveRpa, resolveRpaAmong } from './rpa.js';
export { f4, f5, f6, g2 } from './secure-connections.js';
export { warmUpToolbox } from './warm-up.js';
