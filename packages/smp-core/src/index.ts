/**
 * @tsble/smp-core: the LE Security Manager. Runs anywhere (no Node built-ins).
 * Node users may call `installNodeCrypto()` from `@tsble/smp-core/node` for native P-256 (node:crypto ECDH).
 */

/** The types of @tsble/base that this package's API names, so a stack that imports only smp-core can name them. */
export type { Address, AddressType, Logger } from '@tsble/base';
export * from './constants.js';
export * from './crypto/index.js';
export * from './keys/index.js';
export * from './pairing/index.js';
export * from './pdu/index.js';
