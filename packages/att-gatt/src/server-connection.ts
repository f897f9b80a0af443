/**
 * One client's view of the GATT server: its CCCD and Client Supported Features values (persisted for
 * bonded clients), its prepare queue, the security gate with this link's security, and the request
 * handler table the ATT bearer calls.
 */
import type { Logger } from '@tsble/base';
import { type LinkSecurity, UNSECURED_LINK } from '@tsble/l2cap';
import type { AttBearer, AttServerHandler } from './att-bearer.js';
import { type AttPdu, type AttPduOf, type HandleValue, opcodeOf } from './att-pdu.js';
import type { AttCommand, AttRequest, AttRequestOp } from './att-transactions.js';
import {
  ClientConfiguration,
  type ClientConfigurationStore,
  databaseFingerprint,
} from './client-configuration.js';
import {
  AttErrorCode,
  CccdBits,
  CharacteristicProperty,
  ClientSupportedFeature,
  GattUuid,
} from './constants.js';
import type { Attribute, GattCharacteristic, GattDatabase } from './gatt-database.js';
import { checkAccess } from './permissions.js';
import { ChangeAwareness } from './robust-caching.js';
import * as access from './server-access.js';
import type { PreparedWrite, ServerContext } from './server-context.js';
import * as discovery from './server-discovery.js';
import { acceptSignedWrite, type PeerSigning } from './signing.js';

export type { ClientConfigurationStore, PeerSigning };

export interface GattServerConnectionOptions {
  /** The peer's identity (address string) for persistence and authorization callbacks. */
  peer?: string;
  bonded?: boolean;
  security?: () => LinkSecurity;
  signing?: PeerSigning;
}

/** What the connection needs from its GattServer. */
export interface ServerCore {
  readonly database: GattDatabase;
  readonly store: ClientConfigurationStore | undefined;
  readonly logger: Logger;
  databaseHash(): Uint8Array;
  detach(connection: GattServerConnection): void;
}

type Handler = (ctx: ServerContext, pdu: AttRequest) => AttPdu | Promise<AttPdu>;

const HANDLERS: Record<AttRequestOp, Handler> = {
  'find-information-request': (c, p) =>
    discovery.findInformation(c, p as AttPduOf<'find-information-request'>),
  'find-by-type-value-request': (c, p) =>
    discovery.findByTypeValue(c, p as AttPduOf<'find-by-type-value-request'>),
  'read-by-type-request': (c, p) => discovery.readByType(c, p as AttPduOf<'read-by-type-request'>),
  'read-by-group-type-request': (c, p) =>
    discovery.readByGroupType(c, p as AttPduOf<'read-by-group-type-request'>),
  'read-request': (c, p) => access.read(c, p as AttPduOf<'read-request'>),
  'read-blob-request': (c, p) => access.readBlob(c, p as AttPduOf<'read-blob-request'>),
  'read-multiple-request': (c, p) => access.readMultiple(c, p as AttPduOf<'read-multiple-request'>),
  'read-multiple-variable-request': (c, p) =>
    access.readMultipleVariable(c, p as AttPduOf<'read-multiple-variable-request'>),
  'write-request': (c, p) =>
    access.write(c, (p as AttPduOf<'write-request'>).handle, (p as AttPduOf<'write-request'>).value),
  'prepare-write-request': (c, p) => access.prepareWrite(c, p as AttPduOf<'prepare-write-request'>),
  'execute-write-request': (c, p) => access.executeWrite(c, p as AttPduOf<'execute-write-request'>),
};

export class GattServerConnection implements AttServerHandler, ServerContext {
  /** CCCD and Client Supported Features values of this client, by attribute handle. */
  readonly #config: ClientConfiguration;
  readonly prepareQueue: PreparedWrite[] = [];
  readonly #ready: Promise<void>;
  /** Robust Caching state; enabled by the client's Client Supported Features bit 0. */
  readonly awareness = new ChangeAwareness(() => this.#robustCaching());
  #bonded: boolean;
  #signing: PeerSigning | undefined;

  constructor(
    readonly bearer: AttBearer,
    private readonly core: ServerCore,
    private readonly options: GattServerConnectionOptions,
  ) {
    this.#bonded = options.bonded ?? false;
    this.#config = new ClientConfiguration(core.store, core.logger);
    this.#signing = options.signing;
    this.#ready = this.#load();
    bearer.setServer(this);
    bearer.on('close', () => core.detach(this));
  }

  get database(): GattDatabase {
    return this.core.database;
  }
  get mtu(): number {
    return this.bearer.mtu;
  }
  get peer(): string | undefined {
    return this.options.peer;
  }
  get bonded(): boolean {
    return this.#bonded;
  }

  /** The link is now bonded (pairing finished with bonding): persist this client's configuration. */
  setBonded(peer: string): void {
    this.options.peer = peer;
    this.#bonded = true;
    void this.#persist();
  }

  setSigning(signing: PeerSigning | undefined): void {
    this.#signing = signing;
  }

  /** The CCCD bits this client set for a characteristic. */
  subscription(characteristic: GattCharacteristic): number {
    return characteristic.cccdHandle === undefined ? 0 : this.#config.get(characteristic.cccdHandle);
  }

  /** Notifies if this client enabled notifications; false if not subscribed. Value cut to ATT_MTU - 3. */
  notify(characteristic: GattCharacteristic, value: Uint8Array): Promise<boolean> {
    if ((this.subscription(characteristic) & CccdBits.notification) === 0 || !this.bearer.isOpen)
      return Promise.resolve(false);
    return this.bearer.notify(characteristic.valueHandle, value.subarray(0, this.mtu - 3)).then(
      () => true,
      () => false,
    );
  }

  /**
   * Notifies several characteristics at once with ATT_MULTIPLE_HANDLE_VALUE_NTF when the client set
   * the Multiple Handle Value Notifications feature (Core 6.0 Vol 3 Part F 3.4.7.4, Part G 7.2), else
   * one notification each. Only subscribed characteristics are sent; resolves with how many were.
   */
  async notifyMultiple(
    entries: { characteristic: GattCharacteristic; value: Uint8Array }[],
  ): Promise<number> {
    const subscribed = entries.filter(
      (e) => (this.subscription(e.characteristic) & CccdBits.notification) !== 0,
    );
    if (!this.#clientFeature(ClientSupportedFeature.multipleHandleValueNotifications)) {
      const sent = await Promise.all(subscribed.map((e) => this.notify(e.characteristic, e.value)));
      return sent.filter(Boolean).length;
    }
    let batch: HandleValue[] = [];
    let size = 1;
    const flush = async (): Promise<void> => {
      const [only] = batch;
      if (batch.length === 1 && only)
        await this.bearer.notify(only.handle, only.value.subarray(0, this.mtu - 3));
      else if (batch.length > 1)
        await this.bearer.send({ op: 'multiple-handle-value-notification', entries: batch });
      batch = [];
      size = 1;
    };
    try {
      for (const { characteristic, value } of subscribed) {
        if (size + 4 + value.length > this.mtu) await flush();
        batch.push({ handle: characteristic.valueHandle, value });
        size += 4 + value.length;
      }
      await flush();
      return subscribed.length;
    } catch {
      return 0;
    }
  }

  /** Indicates if this client enabled indications; resolves true once confirmed. */
  indicate(characteristic: GattCharacteristic, value: Uint8Array): Promise<boolean> {
    if ((this.subscription(characteristic) & CccdBits.indication) === 0 || !this.bearer.isOpen)
      return Promise.resolve(false);
    return this.bearer.indicate(characteristic.valueHandle, value.subarray(0, this.mtu - 3)).then(
      () => true,
      () => false,
    );
  }

  async handleRequest(request: AttRequest): Promise<AttPdu> {
    await this.#ready;
    if (!this.awareness.admitRequest(request)) {
      return {
        op: 'error-response',
        requestOpcode: opcodeOf(request.op),
        handle: 0,
        errorCode: AttErrorCode.databaseOutOfSync,
      };
    }
    return HANDLERS[request.op](this, request);
  }

  async handleCommand(command: AttCommand): Promise<void> {
    await this.#ready;
    if (!this.awareness.admitCommand()) {
      this.core.logger.debug({ op: command.op }, 'command from a change-unaware client ignored');
      return;
    }
    if (
      command.op === 'signed-write-command' &&
      !acceptSignedWrite(command, this.database, this.#signing, this.core.logger)
    )
      return;
    // Commands are never answered, even with an error (Core 6.0 Vol 3 Part F 3.4.5.3).
    const outcome = await access.write(this, command.handle, command.value);
    if (outcome.op === 'error-response')
      this.core.logger.debug({ handle: command.handle, error: outcome.errorCode }, 'write command refused');
  }

  check(attribute: Attribute, kind: 'read' | 'write'): Promise<number | undefined> {
    const rule = kind === 'read' ? attribute.read : attribute.write;
    return checkAccess(rule, { peer: this.peer, handle: attribute.handle, access: kind }, this.#security());
  }

  async readValue(attribute: Attribute): Promise<Uint8Array> {
    switch (attribute.kind) {
      case 'cccd': {
        const bits = this.#config.get(attribute.handle);
        return Uint8Array.of(bits & 0xff, bits >>> 8);
      }
      case 'client-supported-features':
        return Uint8Array.of(this.#config.get(attribute.handle));
      case 'database-hash':
        return this.core.databaseHash();
      default:
        return attribute.onRead
          ? await attribute.onRead({ peer: this.peer, handle: attribute.handle })
          : attribute.value;
    }
  }

  async writeValue(attribute: Attribute, value: Uint8Array): Promise<number | undefined> {
    if (value.length > attribute.maxLength) return AttErrorCode.invalidAttributeValueLength;
    if (attribute.kind === 'cccd') return this.#writeCccd(attribute, value);
    if (attribute.kind === 'client-supported-features') return this.#writeClientFeatures(attribute, value);
    if (attribute.onWrite) {
      const refused = await attribute.onWrite(value.slice(), { peer: this.peer, handle: attribute.handle });
      if (typeof refused === 'number') return refused;
    }
    attribute.value = value.slice();
    return undefined;
  }

  #writeCccd(attribute: Attribute, value: Uint8Array): number | undefined {
    if (value.length !== 2) return AttErrorCode.invalidAttributeValueLength;
    const bits = (value[0] ?? 0) | ((value[1] ?? 0) << 8);
    const properties = attribute.characteristic?.properties ?? 0;
    const allowed =
      ((properties & CharacteristicProperty.notify) !== 0 ? CccdBits.notification : 0) |
      ((properties & CharacteristicProperty.indicate) !== 0 ? CccdBits.indication : 0);
    if ((bits & ~allowed) !== 0) return AttErrorCode.valueNotAllowed;
    this.#setClientValue(attribute.handle, bits);
    return undefined;
  }

  /** Core 6.0 Vol 3 Part G 7.2: a client may not clear a feature bit it has set. */
  #writeClientFeatures(attribute: Attribute, value: Uint8Array): number | undefined {
    if (value.length < 1) return AttErrorCode.invalidAttributeValueLength;
    const previous = this.#config.get(attribute.handle);
    const bits = value[0] ?? 0;
    if ((previous & ~bits) !== 0) return AttErrorCode.valueNotAllowed;
    this.#setClientValue(attribute.handle, bits);
    return undefined;
  }

  #setClientValue(handle: number, bits: number): void {
    this.#config.set(handle, bits);
    void this.#persist();
  }

  #robustCaching(): boolean {
    return this.#clientFeature(ClientSupportedFeature.robustCaching);
  }

  /** A bit of this client's Client Supported Features (Core 6.0 Vol 3 Part G 7.2). */
  #clientFeature(bit: number): boolean {
    const features = this.database.characteristic(GattUuid.clientSupportedFeatures, GattUuid.gattService);
    if (!features) return false;
    return (this.#config.get(features.valueHandle) & bit) !== 0;
  }

  #security(): LinkSecurity {
    return this.options.security?.() ?? UNSECURED_LINK;
  }

  /** Restores a bonded client's configuration; a database changed since its last visit gets Service Changed. */
  async #load(): Promise<void> {
    if (!this.#bonded || this.peer === undefined) return;
    if (!(await this.#config.load(this.peer, this.database, this.#fingerprint()))) return;
    this.awareness.databaseChanged();
    void this.#indicateServiceChanged(0x0001, 0xffff);
  }

  /** Indicates Service Changed if this client subscribed; its confirmation makes it change-aware. */
  async #indicateServiceChanged(startHandle: number, endHandle: number): Promise<boolean> {
    const serviceChanged = this.database.characteristic(GattUuid.serviceChanged, GattUuid.gattService);
    if (!serviceChanged) return false;
    const value = new Uint8Array(4);
    new DataView(value.buffer).setUint16(0, startHandle, true);
    new DataView(value.buffer).setUint16(2, endHandle, true);
    if (!(await this.indicate(serviceChanged, value))) return false;
    this.awareness.serviceChangedConfirmed();
    await this.#persist();
    return true;
  }

  /** @internal the server's database grew: tell this client (Core 6.0 Vol 3 Part G 7.1, 2.5.2.1). */
  databaseChanged(startHandle: number, endHandle: number): Promise<boolean> {
    this.awareness.databaseChanged();
    return this.#indicateServiceChanged(startHandle, endHandle);
  }

  #fingerprint(): number {
    return databaseFingerprint(this.core.databaseHash());
  }

  async #persist(): Promise<void> {
    if (this.#bonded && this.peer !== undefined) await this.#config.save(this.peer, this.#fingerprint());
  }
}
