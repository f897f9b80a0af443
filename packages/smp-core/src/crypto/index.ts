/**
 * The SMP cryptographic toolbox (Core 6.0 Vol 3 Part H 2.2) and P-256. Every multi-octet value is a
 * Uint8Array in on-air order (least significant octet first) except aesCmac, which is plain RFC 4493.
 */
export { e } from './aes.js';
export { aesCmac } from './cmac.js';
export { f4, f5, f6, g2 } from './secure-connections.js';
export { h6, h7, ltkToLinkKey, linkKeyToLtk } from './link-key-conversion.js';
export { c1, s1 } from './legacy.js';
export { ah, generateRpa, resolveRpa, resolveRpaAmong, isResolvablePrivateAddress } from './rpa.js';
export {
  p256GenerateKeyPair,
  p256PublicKey,
  p256DhKey,
  isDebugPublicKey,
  isValidP256PublicKey,
  validateP256PublicKey,
  DEBUG_PRIVATE_KEY,
  DEBUG_PUBLIC_KEY,
  DEBUG_KEY_PAIR,
  type P256PublicKey,
  type P256KeyPair,
} from './p256.js';
export { randomBytes } from './bytes.js';
export {
  CryptoArgumentError,
  CryptoProviderError,
  InvalidPrivateKeyError,
  InvalidPublicKeyError,
  type InvalidPublicKeyReason,
} from './errors.js';
export {
  setCryptoProvider,
  getCryptoProvider,
  defaultCryptoProvider,
  type CryptoProvider,
  type AesBlockCipher,
  type BigEndianPoint,
} from './provider.js';
export { nobleProvider } from './providers/noble.js';
export { webCryptoProvider } from './providers/webcrypto.js';
