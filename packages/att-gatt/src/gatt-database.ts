/**
 * The attribute table (Core 6.0 Vol 3 Part G 3): services, includes, characteristic declarations and
 * values, descriptors, each with a handle, a type and read/write rules. Handles are assigned in
 * declaration order starting at 1; include values are filled in a second pass so a service may include
 * one declared after it (as the spec's Database Hash example does).
 */
import { putU16 } from '@tsble/base';
import { CharacteristicProperty, GattUuid } from './constants.js';
import {
  type CharacteristicDefinition,
  type DescriptorDefinition,
  type ReadHandler,
  type ServiceDefinition,
  toBytes,
  type WriteHandler,
} from './definitions.js';
import type { AccessRule } from './permissions.js';
import { isUuid16, type Uuid, uuid, uuidToBytes } from './uuid.js';

export type AttributeKind =
  | 'service'
  | 'include'
  | 'declaration'
  | 'value'
  | 'cccd' // per-client value
  | 'client-supported-features' // per-client value
  | 'database-hash' // computed
  | 'descriptor';

export interface Attribute {
  readonly handle: number;
  readonly type: Uuid;
  readonly kind: AttributeKind;
  /** Stored value (shared by all clients) for everything but per-client and computed kinds. */
  value: Uint8Array;
  readonly read: AccessRule;
  readonly write: AccessRule;
  readonly maxLength: number;
  readonly onRead?: ReadHandler;
  readonly onWrite?: WriteHandler;
  /** Last handle of the group, for service declarations. */
  readonly endGroup?: number;
  readonly characteristic?: GattCharacteristic;
}

/** A declared characteristic as the application addresses it afterwards. */
export interface GattCharacteristic {
  readonly uuid: Uuid;
  readonly serviceUuid: Uuid;
  readonly properties: number;
  readonly declarationHandle: number;
  readonly valueHandle: number;
  readonly cccdHandle: number | undefined;
}

export interface GattService {
  readonly uuid: Uuid;
  readonly primary: boolean;
  readonly startHandle: number;
  readonly endHandle: number;
  readonly characteristics: readonly GattCharacteristic[];
}

const PROPERTY_BITS: Record<string, number> = CharacteristicProperty;

/** What a declaration gives for one attribute; the handle and the group end are the database's. */
type AttributeFields = Omit<Attribute, 'handle' | 'endGroup'>;

export class GattDatabase {
  readonly attributes: Attribute[] = [];
  readonly services: GattService[] = [];
  readonly #serviceOf = new Map<ServiceDefinition, GattService>();

  constructor(definitions: readonly ServiceDefinition[]) {
    this.append(definitions);
  }

  /**
   * Adds services after the existing ones (existing handles never move). Returns the new handle range
   * for Service Changed, or undefined when nothing was added.
   */
  append(definitions: readonly ServiceDefinition[]): { startHandle: number; endHandle: number } | undefined {
    const startHandle = this.attributes.length + 1;
    const pendingIncludes: { handle: number; target: ServiceDefinition }[] = [];
    for (const definition of definitions) this.#addService(definition, pendingIncludes);
    for (const { handle, target } of pendingIncludes) {
      const service = this.#serviceOf.get(target);
      if (!service) throw new TypeError('an included service must be declared in the same database');
      const value = new Uint8Array(isUuid16(service.uuid) ? 6 : 4);
      putU16(value, 0, service.startHandle);
      putU16(value, 2, service.endHandle);
      // Core 6.0 Vol 3 Part G 3.2: the UUID is present only when it is a 16-bit UUID.
      if (value.length === 6) value.set(uuidToBytes(service.uuid), 4);
      (this.attributes[handle - 1] as Attribute).value = value;
    }
    return this.attributes.length >= startHandle
      ? { startHandle, endHandle: this.attributes.length }
      : undefined;
  }

  /** The attribute at `handle`, if any. */
  get(handle: number): Attribute | undefined {
    return handle >= 1 ? this.attributes[handle - 1] : undefined;
  }

  get lastHandle(): number {
    return this.attributes.length;
  }

  /** Attributes with handles in [start, end], in handle order. */
  *range(start: number, end: number): Generator<Attribute> {
    const last = Math.min(end, this.attributes.length);
    for (let handle = Math.max(start, 1); handle <= last; handle++)
      yield this.attributes[handle - 1] as Attribute;
  }

  /** The characteristic with this UUID (in the given service, if named). */
  characteristic(
    characteristicUuid: string | number,
    serviceUuid?: string | number,
  ): GattCharacteristic | undefined {
    const wanted = uuid(characteristicUuid);
    const inService = serviceUuid === undefined ? undefined : uuid(serviceUuid);
    for (const service of this.services) {
      if (inService !== undefined && service.uuid !== inService) continue;
      const found = service.characteristics.find((c) => c.uuid === wanted);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Appends one attribute. Every attribute is built with the same properties in the same order (absent
   * ones undefined) rather than spread from a partial object: a server is built per Host, and one object
   * shape keeps both building and every later handle lookup cheap.
   */
  #push(fields: AttributeFields): Attribute {
    const attribute: Attribute = {
      handle: this.attributes.length + 1,
      type: fields.type,
      kind: fields.kind,
      value: fields.value,
      read: fields.read,
      write: fields.write,
      maxLength: fields.maxLength,
      onRead: fields.onRead,
      onWrite: fields.onWrite,
      endGroup: undefined,
      characteristic: fields.characteristic,
    };
    this.attributes.push(attribute);
    return attribute;
  }

  #addService(
    definition: ServiceDefinition,
    pendingIncludes: { handle: number; target: ServiceDefinition }[],
  ): void {
    const serviceUuid = uuid(definition.uuid);
    const primary = definition.primary ?? true;
    const declaration = this.#push({
      type: primary ? GattUuid.primaryService : GattUuid.secondaryService,
      kind: 'service',
      value: uuidToBytes(serviceUuid),
      read: true,
      write: false,
      maxLength: 16,
    });
    for (const target of definition.includes ?? []) {
      const include = this.#push({
        type: GattUuid.include,
        kind: 'include',
        value: new Uint8Array(0),
        read: true,
        write: false,
        maxLength: 6,
      });
      pendingIncludes.push({ handle: include.handle, target });
    }
    const characteristics = (definition.characteristics ?? []).map((c) =>
      this.#addCharacteristic(c, serviceUuid),
    );
    const service: GattService = {
      uuid: serviceUuid,
      primary,
      startHandle: declaration.handle,
      endHandle: this.attributes.length,
      characteristics,
    };
    (declaration as { endGroup?: number }).endGroup = service.endHandle;
    this.services.push(service);
    this.#serviceOf.set(definition, service);
  }

  #addCharacteristic(definition: CharacteristicDefinition, serviceUuid: Uuid): GattCharacteristic {
    const characteristicUuid = uuid(definition.uuid);
    let properties = 0;
    for (const name of definition.properties) properties |= PROPERTY_BITS[name] ?? 0;
    if (definition.extendedProperties !== undefined) properties |= CharacteristicProperty.extendedProperties;
    const declarationHandle = this.attributes.length + 1;
    const valueHandle = declarationHandle + 1;
    const uuidBytes = uuidToBytes(characteristicUuid);
    const declarationValue = new Uint8Array(3 + uuidBytes.length);
    declarationValue[0] = properties;
    putU16(declarationValue, 1, valueHandle);
    declarationValue.set(uuidBytes, 3);
    const notifies = (properties & (CharacteristicProperty.notify | CharacteristicProperty.indicate)) !== 0;
    const characteristic: GattCharacteristic = {
      uuid: characteristicUuid,
      serviceUuid,
      properties,
      declarationHandle,
      valueHandle,
      cccdHandle: notifies ? valueHandle + 1 : undefined,
    };
    this.#push({
      type: GattUuid.characteristic,
      kind: 'declaration',
      value: declarationValue,
      read: true,
      write: false,
      maxLength: 19,
    });
    this.#push({
      type: characteristicUuid,
      kind: valueKind(characteristicUuid, serviceUuid),
      value: toBytes(definition.value),
      read: (properties & CharacteristicProperty.read) !== 0 ? (definition.read ?? true) : false,
      write:
        (properties &
          (CharacteristicProperty.write |
            CharacteristicProperty.writeWithoutResponse |
            CharacteristicProperty.authenticatedSignedWrites)) !==
        0
          ? (definition.write ?? true)
          : false,
      maxLength: definition.maxLength ?? 512,
      onRead: definition.onRead,
      onWrite: definition.onWrite,
      characteristic,
    });
    if (notifies) {
      this.#push({
        type: GattUuid.clientCharacteristicConfiguration,
        kind: 'cccd',
        value: new Uint8Array(2),
        read: true,
        write: definition.subscribe ?? true,
        maxLength: 2,
        characteristic,
      });
    }
    for (const descriptor of standardDescriptors(definition)) this.#addDescriptor(descriptor, characteristic);
    for (const descriptor of definition.descriptors ?? []) this.#addDescriptor(descriptor, characteristic);
    return characteristic;
  }

  #addDescriptor(definition: DescriptorDefinition, characteristic: GattCharacteristic): void {
    this.#push({
      type: uuid(definition.uuid),
      kind: 'descriptor',
      value: toBytes(definition.value),
      read: definition.read ?? true,
      write: definition.write ?? false,
      maxLength: definition.maxLength ?? 512,
      onRead: definition.onRead,
      onWrite: definition.onWrite,
      characteristic,
    });
  }
}

/** The GATT service's characteristics whose values live per client or are computed. */
function valueKind(characteristicUuid: Uuid, serviceUuid: Uuid): AttributeKind {
  if (serviceUuid !== GattUuid.gattService) return 'value';
  if (characteristicUuid === GattUuid.clientSupportedFeatures) return 'client-supported-features';
  if (characteristicUuid === GattUuid.databaseHash) return 'database-hash';
  return 'value';
}

/** Extended Properties, User Description and Presentation Format from the definition's shorthand. */
function standardDescriptors(definition: CharacteristicDefinition): DescriptorDefinition[] {
  const out: DescriptorDefinition[] = [];
  if (definition.extendedProperties !== undefined) {
    const value = new Uint8Array(2);
    putU16(value, 0, definition.extendedProperties);
    out.push({ uuid: GattUuid.characteristicExtendedProperties, value });
  }
  if (definition.userDescription !== undefined) {
    out.push({ uuid: GattUuid.characteristicUserDescription, value: definition.userDescription });
  }
  const format = definition.presentationFormat;
  if (format) {
    const value = new Uint8Array(7);
    value[0] = format.format;
    value[1] = (format.exponent ?? 0) & 0xff;
    putU16(value, 2, format.unit);
    value[4] = format.namespace ?? 0x01; // Bluetooth SIG Assigned Numbers
    putU16(value, 5, format.description ?? 0);
    out.push({ uuid: GattUuid.characteristicPresentationFormat, value });
  }
  return out;
}
