/**
 * The GATT client procedures (Core 6.0 Vol 3 Part G 4): discovery, reads (long), writes (long, without
 * response, signed), subscriptions and Service Changed. Every peer refusal arrives as AttError with
 * its ATT code and handle, so the host can pair on Insufficient Authentication and retry.
 */
import { type Logger, silentLogger, TypedEmitter, u16 } from '@tsble/base';
import type { AttBearer } from './att-bearer.js';
import { encodeAttPdu } from './att-pdu.js';
import { ATT_MAX_VALUE_LENGTH, ATT_SIGNATURE_LENGTH, AttErrorCode, CccdBits, GattUuid } from './constants.js';
import { AttBearerError, AttError } from './errors.js';
import { NotificationStream } from './notification-stream.js';
import { signatureFor } from './signing.js';
import { type Uuid, uuid, uuidFromBytes, uuidToBytes } from './uuid.js';

export interface DiscoveredService {
  uuid: Uuid;
  startHandle: number;
  endHandle: number;
  primary: boolean;
}

export interface DiscoveredCharacteristic {
  uuid: Uuid;
  properties: number;
  declarationHandle: number;
  valueHandle: number;
  /** Last handle belonging to this characteristic (its descriptors end here). */
  endHandle: number;
}

export interface DiscoveredDescriptor {
  uuid: Uuid;
  handle: number;
}

export type GattClientEvents = {
  notification: (valueHandle: number, value: Uint8Array) => void;
  indication: (valueHandle: number, value: Uint8Array) => void;
  /** The server's database changed in this range; cached discovery was dropped. */
  serviceChanged: (startHandle: number, endHandle: number) => void;
};

const LAST_HANDLE = 0xffff;

export class GattClient extends TypedEmitter<GattClientEvents> {
  #services: DiscoveredService[] | undefined;
  readonly #characteristics = new Map<number, DiscoveredCharacteristic[]>();
  #serviceChangedHandle: number | undefined;

  constructor(
    readonly bearer: AttBearer,
    options: { logger?: Logger } = {},
  ) {
    const logger = options.logger ?? silentLogger;
    super((error) => logger.error({ err: error }, 'GATT client listener threw'));
    bearer.on('notification', (handle, value) => this.emit('notification', handle, value));
    bearer.on('indication', (handle, value) => {
      if (handle === this.#serviceChangedHandle && value.length >= 4) {
        this.#services = undefined;
        this.#characteristics.clear();
        this.emit('serviceChanged', u16(value, 0), u16(value, 2));
      }
      this.emit('indication', handle, value);
    });
  }

  /** ATT_MTU exchange (Core 6.0 Vol 3 Part G 4.3.1); resolves with the new ATT_MTU. */
  exchangeMtu(): Promise<number> {
    return this.bearer.exchangeMtu();
  }

  /** Discover All Primary Services, or by Service UUID (Core 6.0 Vol 3 Part G 4.4). */
  async discoverServices(serviceUuid?: string | number): Promise<DiscoveredService[]> {
    if (serviceUuid !== undefined) return this.#discoverServicesByUuid(uuid(serviceUuid));
    if (this.#services) return this.#services;
    const services: DiscoveredService[] = [];
    await this.#walk(1, LAST_HANDLE, async (start, end) => {
      const response = await this.bearer.request({
        op: 'read-by-group-type-request',
        startHandle: start,
        endHandle: end,
        type: GattUuid.primaryService,
      });
      for (const e of response.entries) {
        const found = uuidFromBytes(e.value);
        if (found !== undefined)
          services.push({ uuid: found, startHandle: e.handle, endHandle: e.endGroupHandle, primary: true });
      }
      return response.entries.at(-1)?.endGroupHandle;
    });
    this.#services = services;
    return services;
  }

  async #discoverServicesByUuid(serviceUuid: Uuid): Promise<DiscoveredService[]> {
    const services: DiscoveredService[] = [];
    const value = uuidToBytes(serviceUuid);
    await this.#walk(1, LAST_HANDLE, async (start, end) => {
      const response = await this.bearer.request({
        op: 'find-by-type-value-request',
        startHandle: start,
        endHandle: end,
        type: GattUuid.primaryService,
        value,
      });
      for (const r of response.ranges)
        services.push({
          uuid: serviceUuid,
          startHandle: r.handle,
          endHandle: r.groupEndHandle,
          primary: true,
        });
      return response.ranges.at(-1)?.groupEndHandle;
    });
    return services;
  }

  /** Find Included Services (Core 6.0 Vol 3 Part G 4.5.1). */
  async discoverIncludedServices(service: DiscoveredService): Promise<DiscoveredService[]> {
    const included: DiscoveredService[] = [];
    await this.#walk(service.startHandle, service.endHandle, async (start, end) => {
      const response = await this.bearer.request({
        op: 'read-by-type-request',
        startHandle: start,
        endHandle: end,
        type: GattUuid.include,
      });
      for (const e of response.entries) {
        if (e.value.length < 4) continue;
        const startHandle = u16(e.value, 0);
        const endHandle = u16(e.value, 2);
        // A 128-bit included UUID is not in the declaration: read it from the service declaration.
        const found =
          e.value.length === 6
            ? uuidFromBytes(e.value.subarray(4))
            : uuidFromBytes(await this.read(startHandle));
        if (found !== undefined) included.push({ uuid: found, startHandle, endHandle, primary: false });
      }
      return response.entries.at(-1)?.handle;
    });
    return included;
  }

  /** Discover All Characteristics of a Service, optionally filtered by UUID (Core 6.0 Vol 3 Part G 4.6). */
  async discoverCharacteristics(
    service: DiscoveredService,
    characteristicUuid?: string | number,
  ): Promise<DiscoveredCharacteristic[]> {
    let all = this.#characteristics.get(service.startHandle);
    if (!all) {
      all = await this.#discoverAllCharacteristics(service);
      this.#characteristics.set(service.startHandle, all);
    }
    if (characteristicUuid === undefined) return all;
    const wanted = uuid(characteristicUuid);
    return all.filter((c) => c.uuid === wanted);
  }

  async #discoverAllCharacteristics(service: DiscoveredService): Promise<DiscoveredCharacteristic[]> {
    const found: DiscoveredCharacteristic[] = [];
    await this.#walk(service.startHandle, service.endHandle, async (start, end) => {
      const response = await this.bearer.request({
        op: 'read-by-type-request',
        startHandle: start,
        endHandle: end,
        type: GattUuid.characteristic,
      });
      for (const e of response.entries) {
        const type =
          e.value.length === 5 || e.value.length === 19 ? uuidFromBytes(e.value.subarray(3)) : undefined;
        if (type === undefined) continue;
        found.push({
          uuid: type,
          properties: e.value[0] ?? 0,
          declarationHandle: e.handle,
          valueHandle: u16(e.value, 1),
          endHandle: service.endHandle,
        });
      }
      return response.entries.at(-1)?.handle;
    });
    for (let i = 0; i + 1 < found.length; i++)
      (found[i] as DiscoveredCharacteristic).endHandle =
        (found[i + 1] as DiscoveredCharacteristic).declarationHandle - 1;
    return found;
  }

  /** Discover All Characteristic Descriptors (Core 6.0 Vol 3 Part G 4.7.1). */
  async discoverDescriptors(characteristic: DiscoveredCharacteristic): Promise<DiscoveredDescriptor[]> {
    const descriptors: DiscoveredDescriptor[] = [];
    if (characteristic.valueHandle >= characteristic.endHandle) return descriptors;
    await this.#walk(characteristic.valueHandle + 1, characteristic.endHandle, async (start, end) => {
      const response = await this.bearer.request({
        op: 'find-information-request',
        startHandle: start,
        endHandle: end,
      });
      for (const e of response.entries) descriptors.push({ uuid: e.type, handle: e.handle });
      return response.entries.at(-1)?.handle;
    });
    return descriptors;
  }

  /** Finds a characteristic by service and characteristic UUID (discovering as needed). */
  async characteristic(
    serviceUuid: string | number,
    characteristicUuid: string | number,
  ): Promise<DiscoveredCharacteristic> {
    const services = (await this.discoverServices()).filter((s) => s.uuid === uuid(serviceUuid));
    for (const service of services) {
      const [found] = await this.discoverCharacteristics(service, characteristicUuid);
      if (found) return found;
    }
    throw new AttBearerError(
      'not-found',
      `no characteristic ${String(characteristicUuid)} in service ${String(serviceUuid)}`,
    );
  }

  /** Read (Long) Characteristic Value (Core 6.0 Vol 3 Part G 4.8.1, 4.8.3): blobs until a short one. */
  async read(handle: number): Promise<Uint8Array> {
    const first = (await this.bearer.request({ op: 'read-request', handle })).value;
    if (first.length < this.bearer.mtu - 1) return first;
    const parts = [first];
    let length = first.length;
    while (length < ATT_MAX_VALUE_LENGTH) {
      try {
        const blob = (await this.bearer.request({ op: 'read-blob-request', handle, offset: length })).value;
        parts.push(blob);
        length += blob.length;
        if (blob.length < this.bearer.mtu - 1) break;
      } catch (error) {
        // The value ended exactly on a PDU boundary.
        if (
          error instanceof AttError &&
          (error.code === AttErrorCode.attributeNotLong || error.code === AttErrorCode.invalidOffset)
        )
          break;
        throw error;
      }
    }
    return join(parts);
  }

  /** Read Using Characteristic UUID (Core 6.0 Vol 3 Part G 4.8.2). */
  async readByUuid(
    characteristicUuid: string | number,
    startHandle = 1,
    endHandle = LAST_HANDLE,
  ): Promise<{ handle: number; value: Uint8Array }[]> {
    const response = await this.bearer.request({
      op: 'read-by-type-request',
      startHandle,
      endHandle,
      type: uuid(characteristicUuid),
    });
    return response.entries;
  }

  /** Read Multiple Characteristic Values (Core 6.0 Vol 3 Part G 4.8.4): values concatenated. */
  async readMultiple(handles: number[]): Promise<Uint8Array> {
    return (await this.bearer.request({ op: 'read-multiple-request', handles })).values;
  }

  /** Read Multiple Variable Length Characteristic Values (Core 6.0 Vol 3 Part G 4.8.5). */
  async readMultipleVariable(handles: number[]): Promise<Uint8Array[]> {
    return (await this.bearer.request({ op: 'read-multiple-variable-request', handles })).values;
  }

  /** Write (Long) Characteristic Value (Core 6.0 Vol 3 Part G 4.9.3, 4.9.4). */
  async write(handle: number, value: Uint8Array): Promise<void> {
    if (value.length > ATT_MAX_VALUE_LENGTH)
      throw new AttBearerError('value-too-long', `values are at most ${ATT_MAX_VALUE_LENGTH} octets`);
    if (value.length <= this.bearer.mtu - 3) {
      await this.bearer.request({ op: 'write-request', handle, value });
      return;
    }
    await this.#writeLong(handle, value);
  }

  async #writeLong(handle: number, value: Uint8Array): Promise<void> {
    const chunk = this.bearer.mtu - 5;
    try {
      for (let offset = 0; offset < value.length; offset += chunk) {
        const part = value.subarray(offset, offset + chunk);
        const echo = await this.bearer.request({ op: 'prepare-write-request', handle, offset, value: part });
        // Core 6.0 Vol 3 Part G 4.9.5: the echo must match what we sent, or we cancel.
        if (echo.handle !== handle || echo.offset !== offset || !sameBytes(echo.value, part)) {
          throw new AttBearerError(
            'invalid-response',
            'prepare write echo differs from the request; write cancelled',
          );
        }
      }
    } catch (error) {
      if (this.bearer.isOpen)
        await this.bearer.request({ op: 'execute-write-request', flags: 0 }).catch(() => undefined);
      throw error;
    }
    await this.bearer.request({ op: 'execute-write-request', flags: 1 });
  }

  /** Write Without Response (Core 6.0 Vol 3 Part G 4.9.1); the value is cut to ATT_MTU - 3. */
  writeWithoutResponse(handle: number, value: Uint8Array): Promise<void> {
    return this.bearer.send({ op: 'write-command', handle, value: value.subarray(0, this.bearer.mtu - 3) });
  }

  /** Signed Write Without Response (Core 6.0 Vol 3 Part G 4.9.2) with our CSRK and the next SignCounter. */
  signedWrite(handle: number, value: Uint8Array, csrk: Uint8Array, signCounter: number): Promise<void> {
    const part = value.subarray(0, this.bearer.mtu - 3 - ATT_SIGNATURE_LENGTH);
    const unsigned = encodeAttPdu({
      op: 'signed-write-command',
      handle,
      value: part,
      signature: new Uint8Array(0),
    });
    const signature = signatureFor(csrk, unsigned, signCounter);
    return this.bearer.send({ op: 'signed-write-command', handle, value: part, signature });
  }

  /** Writes the CCCD to enable notifications or indications (Core 6.0 Vol 3 Part G 4.10, 4.11). */
  async subscribe(
    characteristic: DiscoveredCharacteristic,
    kind: 'notification' | 'indication' | 'none' = 'notification',
  ): Promise<void> {
    const cccd = (await this.discoverDescriptors(characteristic)).find(
      (d) => d.uuid === GattUuid.clientCharacteristicConfiguration,
    );
    if (!cccd) throw new AttBearerError('not-found', `characteristic ${characteristic.uuid} has no CCCD`);
    const bits =
      kind === 'notification' ? CccdBits.notification : kind === 'indication' ? CccdBits.indication : 0;
    await this.bearer.request({ op: 'write-request', handle: cccd.handle, value: Uint8Array.of(bits, 0) });
  }

  /** Notifications (and indications) of one characteristic as an async iterator; bounded buffer. */
  notifications(
    characteristic: DiscoveredCharacteristic,
    options: { bufferSize?: number; signal?: AbortSignal } = {},
  ): AsyncIterableIterator<Uint8Array> {
    const stream = new NotificationStream(options.bufferSize ?? 256);
    const take = (handle: number, value: Uint8Array): void => {
      if (handle === characteristic.valueHandle) stream.push(value);
    };
    const offs = [
      this.on('notification', take),
      this.on('indication', take),
      this.bearer.on('close', () => stream.end()),
    ];
    stream.onEnd(() => {
      for (const off of offs) off();
    });
    options.signal?.addEventListener('abort', () => stream.end(), { once: true });
    return stream;
  }

  /** Discovers the GATT service's Service Changed and subscribes to its indications. */
  async enableServiceChanged(): Promise<boolean> {
    const [gatt] = await this.discoverServices(GattUuid.gattService);
    if (!gatt) return false;
    const [serviceChanged] = await this.discoverCharacteristics(gatt, GattUuid.serviceChanged);
    if (!serviceChanged) return false;
    this.#serviceChangedHandle = serviceChanged.valueHandle;
    await this.subscribe(serviceChanged, 'indication');
    return true;
  }

  /**
   * Runs a discovery step over [start, end] until it reports the last handle it covered reaching `end`,
   * or the server answers Attribute Not Found. A server that does not move forward is a protocol error.
   */
  async #walk(
    start: number,
    end: number,
    step: (start: number, end: number) => Promise<number | undefined>,
  ): Promise<void> {
    let from = start;
    while (from <= end) {
      let last: number | undefined;
      try {
        last = await step(from, end);
      } catch (error) {
        if (error instanceof AttError && error.code === AttErrorCode.attributeNotFound) return;
        throw error;
      }
      if (last === undefined || last < from)
        throw new AttBearerError('invalid-response', 'discovery did not advance');
      if (last >= end) return;
      from = last + 1;
    }
  }
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
