/** Names for the UUIDs `tsble gatt` is likely to meet, so a person need not look them up. */
import { DEMO_UUIDS } from './demo-service.js';

/** A few 16-bit UUIDs. Assigned Numbers 3.4 (services), 3.7 (descriptors), 3.8 (characteristics). */
const wellKnown: Record<string, string> = {
  '1800': 'Generic Access',
  '1801': 'Generic Attribute',
  '180a': 'Device Information',
  '180f': 'Battery',
  '2900': 'Characteristic Extended Properties',
  '2901': 'Characteristic User Description',
  '2902': 'Client Characteristic Configuration',
  '2a00': 'Device Name',
  '2a01': 'Appearance',
  '2a04': 'Peripheral Preferred Connection Parameters',
  '2a05': 'Service Changed',
  '2a19': 'Battery Level',
  '2a29': 'Manufacturer Name String',
  '2aa6': 'Central Address Resolution',
  '2b29': 'Client Supported Features',
  '2b2a': 'Database Hash',
  '2b3a': 'Server Supported Features',
};

/** The demo service of `tsble serve` (ARCHITECTURE.md). */
const demo: Record<string, string> = {
  [DEMO_UUIDS.service]: 'tsble demo service',
  [DEMO_UUIDS.open]: 'demo: open read',
  [DEMO_UUIDS.encrypted]: 'demo: encrypted read',
  [DEMO_UUIDS.authenticated]: 'demo: authenticated read',
  [DEMO_UUIDS.encryptedWrite]: 'demo: encrypted write',
  [DEMO_UUIDS.encryptedNotify]: 'demo: encrypted notify',
};

export function uuidName(uuid: string): string | undefined {
  return wellKnown[uuid] ?? demo[uuid];
}
