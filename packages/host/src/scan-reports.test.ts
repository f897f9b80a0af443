import { addressFromBytes, parseAddress } from '@tsble/base';
import { generateRpa } from '@tsble/smp-core';
import { describe, expect, it } from 'vitest';
import { encodeAdvertisingData } from './advertising-data.js';
import { ScanReports } from './scan-reports.js';

const address = (() => {
  const parsed = parseAddress('C0:11:22:33:44:55/random');
  if (!parsed.ok) throw new Error('bad test address');
  return parsed.value;
})();
const encode = (...args: Parameters<typeof encodeAdvertisingData>) => {
  const encoded = encodeAdvertisingData(...args);
  if (!encoded.ok) throw new Error(encoded.error.message);
  return encoded.value;
};

describe('ScanReports', () => {
  it('merges the scan response and reports again only when something changed', () => {
    const reports = new ScanReports();
    const adv = encode({ flags: 6, serviceUuids128: ['b1e50000-3c9b-4e7a-9f1d-5e2a7c4d8b00'] });
    const first = reports.accept({ eventType: 0, address, data: adv, rssi: -40 });
    expect(first?.connectable).toBe(true);
    expect(first?.name).toBeUndefined();
    expect(reports.accept({ eventType: 0, address, data: adv, rssi: -41 })).toBeUndefined();
    const withName = reports.accept({
      eventType: 4,
      address,
      data: encode({ name: 'tsble demo' }),
      rssi: -40,
    });
    expect(withName?.name).toBe('tsble demo');
    expect(withName?.serviceUuids).toEqual(['b1e50000-3c9b-4e7a-9f1d-5e2a7c4d8b00']);
    expect(reports.accept({ eventType: 0, address, data: adv, rssi: -39 })).toBeUndefined();
  });

  it('reports every packet when duplicates are wanted', () => {
    const reports = new ScanReports({ duplicates: true });
    const adv = encode({ flags: 6 });
    expect(reports.accept({ eventType: 3, address, data: adv, rssi: -40 })?.connectable).toBe(false);
    expect(reports.accept({ eventType: 3, address, data: adv, rssi: -40 })).toBeDefined();
  });

  it('keeps reporting a device whose data does not decode, with the problem', () => {
    const reports = new ScanReports();
    const report = reports.accept({ eventType: 0, address, data: Uint8Array.of(9, 9), rssi: -40 });
    expect(report?.problems?.[0]).toMatch(/claims 9 octets/);
  });

  it('names the bonded identity behind an RPA', () => {
    const irk = new Uint8Array(16).fill(3);
    const rpa = addressFromBytes(generateRpa(irk), 'random');
    const reports = new ScanReports({ resolve: (a) => (a === rpa ? 'AA:BB:CC:DD:EE:FF/public' : undefined) });
    expect(reports.accept({ eventType: 0, address: rpa, data: new Uint8Array(0), rssi: -40 })?.identity).toBe(
      'AA:BB:CC:DD:EE:FF/public',
    );
  });
});
