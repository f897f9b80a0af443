import { addressFromBytes, randomAddressKind, toHex } from '@tsble/base';
import { type CryptoProvider, generateRpa, getCryptoProvider, setCryptoProvider } from '@tsble/smp-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BondStore } from './bond-store/bond-store.js';
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

/** Installs a provider that counts AES key schedules (IrkSet prepares one per IRK); returns the counter. */
function countKeySchedules(): { count: number } {
  const base = getCryptoProvider();
  const counter = { count: 0 };
  const counting: CryptoProvider = {
    ...base,
    name: 'counting',
    aes128: (key) => {
      counter.count += 1;
      return base.aes128(key);
    },
  };
  setCryptoProvider(counting);
  return counter;
}

/** The same store seen through the interface alone: no `revision`, as a custom store might be. */
function withoutRevision(store: BondStore): BondStore {
  return {
    location: store.location,
    load: () => store.load(),
    get: (address) => store.get(address),
    list: () => store.list(),
    put: (record) => store.put(record),
    forget: (address) => store.forget(address),
    forgetAll: () => store.forgetAll(),
    localIdentity: () => store.localIdentity(),
    setLocalIdentity: (identity) => store.setLocalIdentity(identity),
  };
}

afterEach(() => setCryptoProvider(undefined));

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

  it('prepares the bonded IRKs once, and again only when an IRK changes (with or without a store revision)', async () => {
    for (const wrap of [(store: BondStore) => store, withoutRevision]) {
      const memory = new MemoryBondStore();
      const irks = Array.from({ length: 3 }, () => crypto.getRandomValues(new Uint8Array(16)));
      for (const [i, irk] of irks.entries())
        await memory.put({ address: `C0:00:00:00:00:0${i}/random`, peerLtk: LTK, peerIrk: toHex(irk) });
      const resolver = new PeerResolver(wrap(memory));
      const schedules = countKeySchedules();
      const rpa = addressFromBytes(generateRpa(irks[2] as Uint8Array), 'random');
      const fresh = crypto.getRandomValues(new Uint8Array(16));
      const freshRpa = addressFromBytes(generateRpa(fresh), 'random');
      const before = schedules.count;
      expect(resolver.resolve(rpa)).toBe('C0:00:00:00:00:02/random');
      expect(schedules.count - before).toBe(3);
      for (let i = 0; i < 5; i++) resolver.resolve(rpa);
      expect(schedules.count - before).toBe(3);
      // A change that leaves the IRKs alone (a CCCD saved) keeps the prepared set.
      const record = memory.get('C0:00:00:00:00:01/random');
      if (!record) throw new Error('bond missing');
      await memory.put({ ...record, cccd: { '3': 1 } });
      expect(resolver.resolve(rpa)).toBe('C0:00:00:00:00:02/random');
      expect(schedules.count - before).toBe(3);
      // A peer's new IRK is seen at once.
      await memory.put({ ...record, peerIrk: toHex(fresh) });
      expect(resolver.resolve(freshRpa)).toBe('C0:00:00:00:00:01/random');
      expect(schedules.count - before).toBe(6);
      setCryptoProvider(undefined);
    }
  });

  it('rotates our RPA on its interval and applies each one', async () => {
    const applied: Uint8Array[] = [];
    const rotator = new RpaRotator({
      irk: new Uint8Array(16).fill(7),
      rotationMs: 20,
      apply: async (rpa) => void applied.push(rpa),
    });
    // Fake timers: the test counts rotations, never depends on how fast the machine is.
    vi.useFakeTimers();
    try {
      const first = await rotator.start();
      expect(randomAddressKind(addressFromBytes(first, 'random'))).toBe('resolvable');
      await vi.advanceTimersByTimeAsync(60);
      rotator.stop();
      await vi.advanceTimersByTimeAsync(60);
    } finally {
      vi.useRealTimers();
    }
    expect(applied).toHaveLength(4);
    expect(toHex(applied.at(-1) as Uint8Array)).toBe(toHex(rotator.current as Uint8Array));
    expect(new Set(applied.map(toHex)).size).toBe(applied.length);
  });
});
