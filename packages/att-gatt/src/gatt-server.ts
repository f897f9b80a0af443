/**
 * The GATT server (Core 6.0 Vol 3 Part G): one attribute database shared by every connection, the GAP
 * and GATT services, and fan-out of notifications and indications to the clients that asked for them.
 */
import { type Logger, silentLogger } from '@tsble/base';
import type { AttBearer } from './att-bearer.js';
import { gapService, gattService } from './builtin-services.js';
import { databaseHash } from './database-hash.js';
import { type ServiceDefinition, toBytes } from './definitions.js';
import { type GattCharacteristic, GattDatabase } from './gatt-database.js';
import type { AccessRequirement } from './permissions.js';
import {
  type ClientConfigurationStore,
  GattServerConnection,
  type GattServerConnectionOptions,
  type ServerCore,
} from './server-connection.js';

export interface GattServerOptions {
  /** GAP Device Name (default 'tsble'). */
  deviceName?: string;
  appearance?: number;
  /** Allow clients to write the device name with this requirement. */
  deviceNameWrite?: AccessRequirement;
  /** Application services, after GAP and GATT. */
  services?: ServiceDefinition[];
  /** Leave out the GAP and GATT services (for tests of exotic layouts). Default true. */
  builtinServices?: boolean;
  /** Persistence of bonded clients' CCCDs (the host wires it to the bond store). */
  store?: ClientConfigurationStore;
  logger?: Logger;
}

export class GattServer {
  readonly database: GattDatabase;
  readonly #connections = new Set<GattServerConnection>();
  readonly #core: ServerCore;
  #hash: Uint8Array | undefined;

  constructor(options: GattServerOptions = {}) {
    const builtin =
      options.builtinServices === false
        ? []
        : [
            gapService({
              deviceName: options.deviceName ?? 'tsble',
              ...(options.appearance !== undefined ? { appearance: options.appearance } : {}),
              ...(options.deviceNameWrite ? { deviceNameWrite: options.deviceNameWrite } : {}),
            }),
            gattService(),
          ];
    this.database = new GattDatabase([...builtin, ...(options.services ?? [])]);
    this.#core = {
      database: this.database,
      store: options.store,
      logger: options.logger ?? silentLogger,
      databaseHash: () => this.databaseHash,
      detach: (connection) => this.#connections.delete(connection),
    };
  }

  /** The Database Hash characteristic value (Core 6.0 Vol 3 Part G 7.3), recomputed after changes. */
  get databaseHash(): Uint8Array {
    this.#hash ??= databaseHash(this.database.attributes);
    return this.#hash;
  }

  get connections(): ReadonlySet<GattServerConnection> {
    return this.#connections;
  }

  /** Serve one client over `bearer`. Detaches by itself when the bearer closes. */
  attach(bearer: AttBearer, options: GattServerConnectionOptions = {}): GattServerConnection {
    const connection = new GattServerConnection(bearer, this.#core, options);
    this.#connections.add(connection);
    return connection;
  }

  /** The characteristic with this UUID (optionally within a service). */
  characteristic(
    characteristicUuid: string | number,
    serviceUuid?: string | number,
  ): GattCharacteristic | undefined {
    return this.database.characteristic(characteristicUuid, serviceUuid);
  }

  /** Reads the stored value of a characteristic. */
  getValue(characteristic: GattCharacteristic): Uint8Array {
    return this.database.get(characteristic.valueHandle)?.value ?? new Uint8Array(0);
  }

  /** Replaces the stored value (what reads return when there is no onRead). */
  setValue(characteristic: GattCharacteristic, value: Uint8Array | string): void {
    const attribute = this.database.get(characteristic.valueHandle);
    if (attribute) attribute.value = toBytes(value);
  }

  /**
   * Notifies every subscribed client (stored value unless `value` is given). Resolves with how many
   * clients were sent the notification.
   */
  async notify(characteristic: GattCharacteristic, value?: Uint8Array): Promise<number> {
    const payload = value ?? this.getValue(characteristic);
    const sent = await Promise.all([...this.#connections].map((c) => c.notify(characteristic, payload)));
    return sent.filter(Boolean).length;
  }

  /** Indicates to every client that enabled indications; resolves with how many confirmed. */
  async indicate(characteristic: GattCharacteristic, value?: Uint8Array): Promise<number> {
    const payload = value ?? this.getValue(characteristic);
    const confirmed = await Promise.all(
      [...this.#connections].map((c) => c.indicate(characteristic, payload)),
    );
    return confirmed.filter(Boolean).length;
  }

  /**
   * Adds services after the existing ones, makes Robust Caching clients change-unaware, then indicates
   * Service Changed for the new range to connected clients that enabled it (Core 6.0 Vol 3 Part G 7.1,
   * 2.5.2.1); a confirmation makes that client change-aware again.
   */
  async addServices(definitions: ServiceDefinition[]): Promise<void> {
    const range = this.database.append(definitions);
    if (!range) return;
    this.#hash = undefined;
    await Promise.all(
      [...this.#connections].map((c) => c.databaseChanged(range.startHandle, range.endHandle)),
    );
  }
}
