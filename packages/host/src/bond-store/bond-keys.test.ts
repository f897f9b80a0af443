import { toHex } from '@tsble/base';
import type { Bond } from '@tsble/smp-core';
import { describe, expect, it } from 'vitest';
import { bondFromRecord, bondIdentity, recordFromBond, recordSecurityLevel } from './bond-keys.js';
import { MemoryBondStore } from './memory-bond-store.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

const scBond: Bond = {
  peerAddress: { bytes: Uint8Array.of(1, 2, 3, 4, 5, 0x45), type: 'random' },
  peerIdentityAddress: { bytes: Uint8Array.of(0x42, 0, 0, 1, 0xaa, 0), type: 'public' },
  keySize: 16,
  authenticated: true,
  sc: true,
  peerLtk: { key: bytes(16, 0x11), ediv: 0, rand: bytes(8, 0) },
  localLtk: { key: bytes(16, 0x11), ediv: 0, rand: bytes(8, 0) },
  peerIrk: bytes(16, 0x22),
  peerCsrk: bytes(16, 0x33),
  linkKey: false,
  ct2: false,
};

describe('bond keys', () => {
  it('stores a bond under the identity the peer distributed', () => {
    expect(bondIdentity(scBond)).toBe('00:AA:01:00:00:42/public');
    const { peerIdentityAddress: _dropped, ...anonymous } = scBond;
    expect(bondIdentity(anonymous)).toBe('45:05:04:03:02:01/random');
  });

  it('round-trips through the store with keys as on-air hex', async () => {
    const store = new MemoryBondStore();
    const saved = await store.put(recordFromBond(scBond));
    expect(saved.peerLtk?.ltk).toBe('11'.repeat(16));
    expect(saved.peerCsrk?.signCounter).toBe(0);
    expect(recordSecurityLevel(saved.peerLtk ?? saved.localLtk!)).toBe(4);
    const bond = bondFromRecord(saved);
    expect(bond && toHex(bond.peerLtk!.key)).toBe('11'.repeat(16));
    expect(bond?.authenticated).toBe(true);
    expect(bond && toHex(bond.peerIrk!)).toBe('22'.repeat(16));
  });

  it('keeps CCCD state and the SignCounter of an unchanged CSRK across re-pairing', async () => {
    const store = new MemoryBondStore();
    const first = recordFromBond(scBond);
    const previous = await store.put({
      ...first,
      cccd: { '17': 1 },
      peerCsrk: { ...first.peerCsrk!, signCounter: 9 },
    });
    const again = recordFromBond(scBond, previous);
    expect(again.cccd).toEqual({ '17': 1 });
    expect(again.peerCsrk?.signCounter).toBe(9);
    const rekeyed = recordFromBond({ ...scBond, peerCsrk: bytes(16, 0x44) }, previous);
    expect(rekeyed.peerCsrk?.signCounter).toBe(0);
  });

  it('rates an unauthenticated legacy key level 2', () => {
    expect(
      recordSecurityLevel({ ltk: '', ediv: 1, rand: '', keySize: 16, authenticated: false, sc: false }),
    ).toBe(2);
    expect(
      recordSecurityLevel({ ltk: '', ediv: 1, rand: '', keySize: 16, authenticated: true, sc: false }),
    ).toBe(3);
  });
});
