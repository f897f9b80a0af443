import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bondFromJson, bondToJson } from './json.js';
import { isWeakerThan, ltkForRequest, maskKey, securityLevelOf } from './key-size.js';
import type { Bond } from './types.js';

const b16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const address = fc.record({
  bytes: fc.uint8Array({ minLength: 6, maxLength: 6 }),
  type: fc.constantFrom('public' as const, 'random' as const),
});
const ltk = fc.record({
  key: b16,
  ediv: fc.integer({ min: 0, max: 0xffff }),
  rand: fc.uint8Array({ minLength: 8, maxLength: 8 }),
});
const bond: fc.Arbitrary<Bond> = fc.record(
  {
    peerAddress: address,
    keySize: fc.integer({ min: 7, max: 16 }),
    authenticated: fc.boolean(),
    sc: fc.boolean(),
    peerLtk: ltk,
    localLtk: ltk,
    peerIrk: b16,
    peerIdentityAddress: address,
    peerCsrk: b16,
    localIrk: b16,
    localIdentityAddress: address,
    localCsrk: b16,
    linkKey: fc.boolean(),
    ct2: fc.boolean(),
  },
  { requiredKeys: ['peerAddress', 'keySize', 'authenticated', 'sc', 'linkKey', 'ct2'] },
);

describe('bond JSON', () => {
  it('round-trips through JSON text', () => {
    fc.assert(
      fc.property(bond, (b) => {
        const parsed = bondFromJson(JSON.parse(JSON.stringify(bondToJson(b))));
        expect(parsed).toEqual({ ok: true, bond: b });
      }),
    );
  });

  it('writes keys as hex in on-air order', () => {
    const json = bondToJson({
      peerAddress: { bytes: Uint8Array.of(1, 2, 3, 4, 5, 6), type: 'public' },
      keySize: 16,
      authenticated: true,
      sc: true,
      peerLtk: { key: Uint8Array.from({ length: 16 }, (_, i) => i), ediv: 0, rand: new Uint8Array(8) },
      linkKey: false,
      ct2: false,
    });
    expect(json.peerLtk?.key).toBe('000102030405060708090a0b0c0d0e0f');
    expect(json.peerAddress).toEqual({ address: '010203040506', type: 'public' });
  });

  it('refuses malformed values with the offending field, never throws', () => {
    const good = bondToJson({
      peerAddress: { bytes: new Uint8Array(6), type: 'random' },
      keySize: 16,
      authenticated: false,
      sc: true,
      linkKey: false,
      ct2: false,
    });
    const cases: [unknown, string][] = [
      [null, '(root)'],
      [{ ...good, keySize: 17 }, 'keySize'],
      [{ ...good, sc: 'yes' }, 'sc'],
      [{ ...good, peerAddress: { address: 'zz', type: 'public' } }, 'peerAddress.address'],
      [{ ...good, peerIrk: '00' }, 'peerIrk'],
      [{ ...good, peerLtk: { key: '00'.repeat(16), ediv: 70000, rand: '00'.repeat(8) } }, 'peerLtk.ediv'],
      [{ ...good, localLtk: { key: '00'.repeat(16), ediv: 1, rand: 'xyz' } }, 'localLtk.rand'],
    ];
    for (const [value, field] of cases) {
      const result = bondFromJson(value);
      expect(result.ok ? 'accepted' : result.error.field).toBe(field);
    }
    fc.assert(fc.property(fc.anything(), (v) => void bondFromJson(v)));
  });
});

describe('key size and strength', () => {
  it('masks the most significant octets (the last ones on air)', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    expect(maskKey(key, 7)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    expect(maskKey(key, 16)).toEqual(key);
    expect(key[15]).toBe(16); // the input is left alone
  });

  it('assigns LE security mode 1 levels', () => {
    expect(securityLevelOf({ authenticated: false, sc: true, keySize: 16 })).toBe(2);
    expect(securityLevelOf({ authenticated: true, sc: false, keySize: 16 })).toBe(3);
    expect(securityLevelOf({ authenticated: true, sc: true, keySize: 15 })).toBe(3);
    expect(securityLevelOf({ authenticated: true, sc: true, keySize: 16 })).toBe(4);
  });

  it('orders bonds by strength', () => {
    const strong = { authenticated: true, sc: true, keySize: 16 };
    expect(isWeakerThan(strong, strong)).toBe(false);
    expect(isWeakerThan({ ...strong, keySize: 15 }, strong)).toBe(true);
    expect(isWeakerThan({ ...strong, authenticated: false }, strong)).toBe(true);
    expect(isWeakerThan({ ...strong, sc: false }, strong)).toBe(true);
    expect(isWeakerThan(strong, { authenticated: false, sc: false, keySize: 7 })).toBe(false);
  });

  it('finds the LTK for an LE Long Term Key Request by EDIV and Rand', () => {
    const localLtk = {
      key: new Uint8Array(16).fill(9),
      ediv: 0x1234,
      rand: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
    };
    expect(ltkForRequest({ localLtk, sc: false }, 0x1234, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))).toBe(
      localLtk,
    );
    expect(
      ltkForRequest({ localLtk, sc: false }, 0x1235, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)),
    ).toBeUndefined();
    expect(ltkForRequest({ localLtk, sc: false }, 0x1234, new Uint8Array(8))).toBeUndefined();
    expect(ltkForRequest({ sc: true }, 0, new Uint8Array(8))).toBeUndefined();
  });
});
