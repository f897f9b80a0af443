import { fromHex, toHex } from '@tsble/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BondFileContents, BondRecord } from './bond-record.js';
import { MemoryBondStore } from './memory-bond-store.js';
import { plainCopy } from './plain-copy.js';

const LTK = {
  ltk: '00'.repeat(16),
  ediv: 0,
  rand: '00'.repeat(8),
  keySize: 16,
  authenticated: false,
  sc: true,
};
const PEER = 'C0:00:00:00:00:01/random';

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };

describe('MemoryBondStore', () => {
  it("does not let the caller's initial contents reach its state", async () => {
    const initial: Mutable<BondFileContents> = {
      version: 1,
      local: { irk: 'aa'.repeat(16) },
      bonds: { [PEER]: { address: PEER, peerLtk: { ...LTK }, createdAt: 'a', updatedAt: 'a' } },
    };
    const store = new MemoryBondStore(initial);
    (initial.local as { irk: string }).irk = 'bb'.repeat(16);
    (initial.bonds[PEER]?.peerLtk as { keySize: number }).keySize = 7;
    expect(store.localIdentity()?.irk).toBe('aa'.repeat(16));
    await store.load();
    expect(store.get(PEER)?.peerLtk?.keySize).toBe(16);
    expect(store.localIdentity()?.irk).toBe('aa'.repeat(16));
  });

  it('does not let a put record or a record it handed out reach what it saved', async () => {
    const store = new MemoryBondStore();
    const ltk = { ...LTK };
    await store.put({ address: PEER, peerLtk: ltk, cccd: { '3': 1 } });
    ltk.keySize = 7;
    const got = store.get(PEER) as Mutable<BondRecord>;
    (got.cccd as Record<string, number>)['3'] = 2;
    await store.load();
    expect(store.get(PEER)?.peerLtk?.keySize).toBe(16);
    expect(store.get(PEER)?.cccd).toEqual({ '3': 1 });
  });

  it('keeps the bonds and the local identity across each kind of change', async () => {
    const store = new MemoryBondStore();
    await store.setLocalIdentity({ irk: 'cc'.repeat(16), staticAddress: 'C1:02:03:04:05:06' });
    await store.put({ address: PEER, peerIrk: 'dd'.repeat(16) });
    await store.put({ address: 'C0:00:00:00:00:02/random' });
    expect(await store.forget('C0:00:00:00:00:02/random')).toBe(true);
    expect(store.localIdentity()).toEqual({ irk: 'cc'.repeat(16), staticAddress: 'C1:02:03:04:05:06' });
    expect(store.list().map((r) => r.address)).toEqual([PEER]);
    expect(await store.forgetAll()).toBe(1);
    await store.load();
    expect(store.list()).toEqual([]);
    expect(store.localIdentity()?.irk).toBe('cc'.repeat(16));
  });
});

describe('plainCopy', () => {
  it('keeps a "__proto__" key of parsed JSON as an own key, as structuredClone does (never as a prototype)', () => {
    const value = JSON.parse('{"": {"__proto__": ""}, "__proto__": {"polluted": true}}');
    const copy = plainCopy(value);
    expect(copy).toStrictEqual(structuredClone(value));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('equals structuredClone on JSON-shaped data and shares no object with its input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = plainCopy(value);
        expect(copy).toStrictEqual(structuredClone(value));
        if (typeof value === 'object' && value !== null) expect(copy).not.toBe(value);
      }),
    );
  });

  it('copies what is not plain data as structuredClone does', () => {
    const value = { octets: new Uint8Array([1, 2]), when: new Date(0), absent: undefined };
    const copy = plainCopy(value);
    expect(copy).toStrictEqual(structuredClone(value));
    expect(copy.octets).not.toBe(value.octets);
  });
});

describe('toHex', () => {
  it('writes two lower-case digits per octet, least significant first as given, and fromHex undoes it', () => {
    expect(toHex(new Uint8Array([0x00, 0x0f, 0xa0, 0xff]))).toBe('000fa0ff');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toBe(Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''));
        expect(fromHex(hex)).toEqual(bytes);
      }),
    );
  });
});
