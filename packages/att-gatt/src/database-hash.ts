/**
 * Database Hash (Core 6.0 Vol 3 Part G 7.3): AES-CMAC with a zero key over, in handle order, each
 * attribute's handle and type, plus its value for service, include, characteristic declarations and
 * Extended Properties; handle and type only for User Description, CCCD, SCCD, Presentation and
 * Aggregate Format descriptors; nothing for other attributes.
 */
import { concatBytes, putU16 } from '@tsble/base';
import { aesCmac } from '@tsble/smp-core';
import { GattUuid } from './constants.js';
import type { Attribute } from './gatt-database.js';
import { uuidToBytes } from './uuid.js';

const WITH_VALUE: ReadonlySet<string> = new Set([
  GattUuid.primaryService,
  GattUuid.secondaryService,
  GattUuid.include,
  GattUuid.characteristic,
  GattUuid.characteristicExtendedProperties,
]);
const WITHOUT_VALUE: ReadonlySet<string> = new Set([
  GattUuid.characteristicUserDescription,
  GattUuid.clientCharacteristicConfiguration,
  GattUuid.serverCharacteristicConfiguration,
  GattUuid.characteristicPresentationFormat,
  GattUuid.characteristicAggregateFormat,
]);

/** The message the hash is computed over. */
export function databaseHashInput(attributes: readonly Attribute[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const attribute of attributes) {
    const withValue = WITH_VALUE.has(attribute.type);
    if (!withValue && !WITHOUT_VALUE.has(attribute.type)) continue;
    const head = new Uint8Array(2);
    putU16(head, 0, attribute.handle);
    parts.push(head, uuidToBytes(attribute.type));
    if (withValue) parts.push(attribute.value);
  }
  return concatBytes(...parts);
}

/**
 * The Database Hash as the characteristic carries it: the CMAC result (most significant octet first,
 * as RFC 4493 and the spec print it) reversed into GATT's little-endian order.
 */
export function databaseHash(attributes: readonly Attribute[]): Uint8Array {
  return aesCmac(new Uint8Array(16), databaseHashInput(attributes)).reverse();
}
