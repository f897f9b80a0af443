/**
 * The two services every GATT server has: GAP (Core 6.0 Vol 3 Part C 12) and GATT (Vol 3 Part G 7).
 * Their layout matches the spec's Database Hash example (Part G 7.3.1) when the device name is writable.
 */
import { putU16 } from '@tsble/base';
import { GattUuid } from './constants.js';
import type { ServiceDefinition } from './definitions.js';
import type { AccessRequirement } from './permissions.js';

export interface GapServiceOptions {
  deviceName: string;
  /** Appearance value (Assigned Numbers 2.6); default 0 (unknown). */
  appearance?: number;
  /** Let clients write the device name, with this requirement (Core 6.0 Vol 3 Part C 12.1). */
  deviceNameWrite?: AccessRequirement;
}

export function gapService(options: GapServiceOptions): ServiceDefinition {
  const appearance = new Uint8Array(2);
  putU16(appearance, 0, options.appearance ?? 0);
  return {
    uuid: GattUuid.gapService,
    characteristics: [
      {
        uuid: GattUuid.deviceName,
        properties: options.deviceNameWrite ? ['read', 'write'] : ['read'],
        value: options.deviceName,
        maxLength: 248, // Core 6.0 Vol 3 Part C 12.1
        ...(options.deviceNameWrite ? { write: options.deviceNameWrite } : {}),
      },
      { uuid: GattUuid.appearance, properties: ['read'], value: appearance },
    ],
  };
}

/**
 * Service Changed (indicate), Client Supported Features (read, write: per client) and Database Hash
 * (read: computed). The server fills in the per-client and computed values.
 */
export function gattService(): ServiceDefinition {
  return {
    uuid: GattUuid.gattService,
    characteristics: [
      { uuid: GattUuid.serviceChanged, properties: ['indicate'], value: new Uint8Array(4) },
      { uuid: GattUuid.clientSupportedFeatures, properties: ['read', 'write'], maxLength: 1 },
      { uuid: GattUuid.databaseHash, properties: ['read'] },
    ],
  };
}
