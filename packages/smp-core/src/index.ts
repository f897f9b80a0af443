/**
 * @tsble/smp-core: the LE Security Manager. Runs anywhere (no Node built-ins).
 * Node users may call `installNodeCrypto()` from `@tsble/smp-core/node` for native P-256 (node:crypto ECDH).
 */

export * from './constants.js';
export * from './crypto/index.js';
export * from './keys/index.js';
export * from './pairing/index.js';
export * from './pdu/index.js';
