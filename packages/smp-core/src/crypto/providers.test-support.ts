/**
 * Test-only: every crypto provider, so vector tests run once per backend (`describe.each(allProviders)`).
 * Tests run under Node, so the node:crypto provider is included here; the package entry never imports it.
 */
import { nodeCipherAes128, nodeCryptoProvider } from '../node.js';
import type { CryptoProvider } from './provider.js';
import { nobleProvider } from './providers/noble.js';
import { webCryptoProvider } from './providers/webcrypto.js';

export const allProviders: { name: string; provider: CryptoProvider }[] = [
  { name: 'webcrypto', provider: webCryptoProvider },
  { name: 'noble', provider: nobleProvider },
  { name: 'node', provider: nodeCryptoProvider },
  // node:crypto's AES is not the node provider's default (see node-crypto.ts) but must pass the same vectors.
  { name: 'node+aes', provider: { ...nodeCryptoProvider, name: 'node+aes', aes128: nodeCipherAes128 } },
];
