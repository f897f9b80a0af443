import { afterEach, describe, expect, it } from 'vitest';
import { specData as d, onAir, specHex } from './crypto/vectors.test-support.js';
import { getCryptoProvider, p256DhKey, setCryptoProvider } from './index.js';
import { installNodeCrypto, nodeCryptoProvider } from './node.js';

describe('@tsble/smp-core/node', () => {
  afterEach(() => setCryptoProvider(undefined));

  it('installNodeCrypto switches the toolbox to node:crypto, idempotently', async () => {
    expect(getCryptoProvider().name).toBe('webcrypto'); // the default under Node 20+
    installNodeCrypto();
    installNodeCrypto();
    expect(getCryptoProvider()).toBe(nodeCryptoProvider);
    const publicB = { x: onAir(d.p256.publicBx), y: onAir(d.p256.publicBy) };
    expect(specHex(await p256DhKey(onAir(d.p256.privateA), publicB))).toBe(d.p256.dhKey);
  });

  it('setCryptoProvider(undefined) returns to the platform default', () => {
    installNodeCrypto();
    setCryptoProvider(undefined);
    expect(getCryptoProvider().name).toBe('webcrypto');
  });
});
