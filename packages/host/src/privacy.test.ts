import { generateRpa } from '@tsble/smp-core';
import { describe, expect, it } from 'vitest';
import { addressFromBytes, randomAddressKind } from './address.js';
import { toHex } from './bond-store/bond-record.js';
import { MemoryBondStore } from './bond-store/memory-bond-store.js';
import { ensureLocalIrk, PeerResolver, RpaRotator } from './privacy.js';

const LTK = {
  ltk: '00'.repeat(16),
  ediv: 0,
  rand: '00'.repeat(8),
  keySize: 16,
  authenticated: false,
  sc: true,
};

describe('privacy', () => {
  it('generates our IRK once and keeps it', async () => {
    const store = new MemoryBondStore();
    const first = await ensureLocalIrk(store);
    const again = await ensureLocalIrk(store);
    expect(toHex(again)).toBe(toHex(first));
    expect(store.localIdentity()?.irk).toBe(toHex(first));
  });

  it('resolves a bonded peer RPA to its identity, and nothing else', async () => {
    const store = new MemoryBondStore();
    const irkA = crypto.getRandomValues(new Uint8Array(16));
    const irkB = crypto.getRandomValues(new Uint8Array(16));
    await store.put({ address: 'C0:00:00:00:00:0A/random', peerLtk: LTK, peerIrk: toHex(irkA) });
    await store.put({ address: '00:AA:01:00:00:42/public', peerLtk: LTK, peerIrk: toHex(irkB) });
    const resolver = new PeerResolver(store);
    const rpaB = addressFromBytes(generateRpa(irkB), 'random');
    expect(resolver.resolve(rpaB)).toBe('00:AA:01:00:00:42/public');
    expect(resolver.identityOf(addressFromBytes(generateRpa(irkA), 'random'))).toBe(
      'C0:00:00:00:00:0A/random',
    );
    const stranger = addressFromBytes(generateRpa(crypto.getRandomValues(new Uint8Array(16))), 'random');
    expect(resolver.resolve(stranger)).toBeUndefined();
    // A public address with RPA-looking bits is not an RPA.
    expect(resolver.resolve({ bytes: rpaB.bytes, type: 'public' })).toBeUndefined();
    // Forgetting the peer stops resolution.
    await store.forget('00:AA:01:00:00:42/public');
    expect(resolver.resolve(rpaB)).toBeUndefined();
  });

  it('rotates our RPA on its interval and applies each one', async () => {
    const applied: Uint8Array[] = [];
    const rotator = new RpaRotator({
      irk: new Uint8Array(16).fill(7),
      rotationMs: 20,
      apply: async (rpa) => void applied.push(rpa),
    });
    const first = await rotator.start();
    expect(randomAddressKind(addressFromBytes(first, 'random'))).toBe('resolvable');
    await new Promise((resolve) => setTimeout(resolve, 70));
    rotator.stop();
    expect(applied.length).toBeGreaterThanOrEqual(3);
    expect(toHex(applied.at(-1) as Uint8Array)).toBe(toHex(rotator.current as Uint8Array));
    expect(new Set(applied.map(toHex)).size).toBe(applied.length);
  });
});
