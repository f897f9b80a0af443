import { toUuid128, uuidFromBytes } from '@tsble/att-gatt';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AdvertisingData, decodeAdvertisingData, encodeAdvertisingData } from './advertising-data.js';

const DEMO_SERVICE = 'b1e50000-3c9b-4e7a-9f1d-5e2a7c4d8b00';

describe('advertising data', () => {
  it('encodes flags, a 16-bit UUID and a name exactly', () => {
    const encoded = encodeAdvertisingData({ flags: 0x06, serviceUuids16: ['180f'], name: 'ab' });
    expect(encoded.ok && Array.from(encoded.value)).toEqual([
      2, 0x01, 0x06, 3, 0x03, 0x0f, 0x18, 3, 0x09, 0x61, 0x62,
    ]);
  });

  it('carries 128-bit UUIDs least significant octet first', () => {
    const encoded = encodeAdvertisingData({ serviceUuids128: [DEMO_SERVICE] });
    const bytes = encoded.ok ? encoded.value.subarray(2) : undefined;
    expect(bytes?.[0]).toBe(0x00);
    expect(bytes?.[1]).toBe(0x8b);
    expect(bytes?.[15]).toBe(0xb1);
    const decoded = encoded.ok ? decodeAdvertisingData(encoded.value) : undefined;
    expect(decoded?.ok && decoded.value.serviceUuids128).toEqual([DEMO_SERVICE]);
  });

  it('decodes manufacturer data, TX power and unknown types', () => {
    const decoded = decodeAdvertisingData(
      Uint8Array.of(5, 0xff, 0x59, 0x00, 1, 2, 2, 0x0a, 0xf8, 2, 0x2a, 7),
    );
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.manufacturerData?.[0]?.companyId).toBe(0x0059);
    expect(Array.from(decoded.value.manufacturerData?.[0]?.data ?? [])).toEqual([1, 2]);
    expect(decoded.value.txPowerLevel).toBe(-8);
    expect(decoded.value.other?.[0]?.type).toBe(0x2a);
  });

  it('stops at a zero length octet (padding)', () => {
    const decoded = decodeAdvertisingData(Uint8Array.of(2, 0x01, 0x06, 0, 0xaa, 0xbb));
    expect(decoded.ok && decoded.value.flags).toBe(6);
  });

  it('returns typed errors for truncated and malformed structures', () => {
    const truncated = decodeAdvertisingData(Uint8Array.of(5, 0x09, 0x61));
    expect(!truncated.ok && truncated.error.code).toBe('ad-truncated');
    const oddUuids = decodeAdvertisingData(Uint8Array.of(4, 0x03, 1, 2, 3));
    expect(!oddUuids.ok && oddUuids.error.code).toBe('ad-bad-field');
    const noCompany = decodeAdvertisingData(Uint8Array.of(2, 0xff, 1));
    expect(!noCompany.ok && noCompany.error.code).toBe('ad-bad-field');
  });

  it('refuses data that does not fit rather than truncating', () => {
    const encoded = encodeAdvertisingData({
      flags: 6,
      serviceUuids128: [DEMO_SERVICE],
      name: 'a name that is far too long',
    });
    expect(!encoded.ok && encoded.error.code).toBe('ad-too-long');
    const badUuid = encodeAdvertisingData({ serviceUuids16: ['xyz'] });
    expect(!badUuid.ok && badUuid.error.code).toBe('ad-bad-uuid');
  });

  it('round-trips generated data', () => {
    const hex = (n: number) =>
      fc
        .uint8Array({ minLength: n, maxLength: n })
        .map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''));
    const data = fc.record(
      {
        flags: fc.integer({ min: 0, max: 255 }),
        name: fc.string({ maxLength: 20 }),
        serviceUuids16: fc.array(hex(2), { minLength: 1, maxLength: 3 }),
        serviceUuids128: fc.array(
          fc
            .uint8Array({ minLength: 16, maxLength: 16 })
            .map((octets) => toUuid128(uuidFromBytes(octets) as string)),
          {
            minLength: 1,
            maxLength: 2,
          },
        ),
        manufacturerData: fc.array(
          fc.record({
            companyId: fc.integer({ min: 0, max: 0xffff }),
            data: fc.uint8Array({ maxLength: 8 }),
          }),
          { minLength: 1, maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(data, (ad: AdvertisingData) => {
        const encoded = encodeAdvertisingData(ad, 1024);
        expect(encoded.ok).toBe(true);
        if (!encoded.ok) return;
        const decoded = decodeAdvertisingData(encoded.value);
        expect(decoded.ok && decoded.value).toEqual(ad);
      }),
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        (bytes) => typeof decodeAdvertisingData(bytes).ok === 'boolean',
      ),
    );
  });
});
