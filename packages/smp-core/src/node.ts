/**
 * `@tsble/smp-core/node`: Node-only additions. The main entry never imports this file, so browser bundles
 * of `@tsble/smp-core` stay free of Node built-ins.
 */
import { setCryptoProvider } from './crypto/provider.js';
import { nodeCipherAes128, nodeCryptoProvider } from './crypto/providers/node-crypto.js';

export { nodeCipherAes128, nodeCryptoProvider };

/**
 * Switches smp-core's crypto to node:crypto (OpenSSL): the fastest P-256 ECDH available in Node.
 * Node-side packages (host, CLI) call it once at start-up; calling it again is harmless.
 */
export function installNodeCrypto(): void {
  setCryptoProvider(nodeCryptoProvider);
}
