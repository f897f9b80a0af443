/**
 * GATT on each connection: one ATT bearer on CID 0x0004 serves both our GATT server (the host's database,
 * gated by the link's security) and our GATT client (`connection.gatt`). Bonded clients' CCCD values persist
 * in the bond store.
 */
import {
  AttBearer,
  AttError,
  type ClientConfigurationStore,
  GattClient,
  GattServer,
  type GattServerConnection,
  type ServiceDefinition,
} from '@tsble/att-gatt';
import { FixedCid } from '@tsble/l2cap';
import type { Logger } from 'pino';
import type { BondStore } from './bond-store/bond-store.js';
import type { Connection, PairOptions } from './connection.js';
import { BondLostError } from './errors.js';

export interface GattSetup {
  /** GAP Device Name (default 'tsble'). */
  deviceName?: string;
  /** Our services, after GAP and GATT. */
  services?: ServiceDefinition[];
}

/** CCCD state of bonded clients, kept in their bond record (`cccd`). */
export function bondStoreCccds(store: BondStore, logger: Logger): ClientConfigurationStore {
  return {
    load: (peer) => {
      const cccd = store.get(peer)?.cccd;
      if (!cccd) return undefined;
      return Object.fromEntries(Object.entries(cccd).map(([handle, value]) => [Number(handle), value]));
    },
    save: async (peer, values) => {
      const record = store.get(peer);
      if (!record) return; // only bonded clients keep their configuration (Core 6.0 Vol 3 Part G 3.3.3.3)
      const { createdAt: _c, updatedAt: _u, ...rest } = record;
      await store
        .put({ ...rest, cccd: Object.fromEntries(Object.entries(values).map(([h, v]) => [String(h), v])) })
        .catch((error) => {
          logger.warn({ err: error, peer }, 'could not save CCCD state');
        });
    },
  };
}

export function createGattServer(setup: GattSetup | undefined, store: BondStore, logger: Logger): GattServer {
  return new GattServer({
    deviceName: setup?.deviceName ?? 'tsble',
    services: setup?.services ?? [],
    store: bondStoreCccds(store, logger),
    logger: logger.child({ layer: 'gatt-server' }),
  });
}

/** When a request fails for lack of security, pair (or encrypt from the bond) and retry once. */
export interface AutoSecurity {
  /** Pair when needed (default true); false: only encrypt from an existing bond. */
  pair?: boolean;
  pairOptions?: PairOptions;
}

/**
 * `connection.gatt`: the GATT client, plus reads and writes by UUID that react to Insufficient
 * Authentication / Encryption by securing the link and retrying once.
 */
export class GattAccess {
  constructor(
    readonly client: GattClient,
    private readonly connection: Connection,
    public autoSecurity: AutoSecurity = {},
  ) {}

  /** Read a characteristic by service and characteristic UUID. */
  async read(serviceUuid: string | number, characteristicUuid: string | number): Promise<Uint8Array> {
    const characteristic = await this.client.characteristic(serviceUuid, characteristicUuid);
    return this.secured(() => this.client.read(characteristic.valueHandle));
  }

  async write(
    serviceUuid: string | number,
    characteristicUuid: string | number,
    value: Uint8Array,
  ): Promise<void> {
    const characteristic = await this.client.characteristic(serviceUuid, characteristicUuid);
    await this.secured(() => this.client.write(characteristic.valueHandle, value));
  }

  /** Subscribe to notifications and iterate over them. */
  async notifications(
    serviceUuid: string | number,
    characteristicUuid: string | number,
    options: { signal?: AbortSignal } = {},
  ) {
    const characteristic = await this.client.characteristic(serviceUuid, characteristicUuid);
    const stream = this.client.notifications(characteristic, options);
    await this.secured(() => this.client.subscribe(characteristic, 'notification'));
    return stream;
  }

  /** Runs `operation`; on an ATT security error, secures the link as allowed and runs it once more. */
  async secured<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof AttError) || !error.needsSecurity) throw error;
      await this.secure(error);
      return operation();
    }
  }

  private async secure(error: AttError): Promise<void> {
    const connection = this.connection;
    const wantsMitm = error.code === 0x05; // Insufficient Authentication (Core 6.0 Vol 3 Part F 3.4.1.1)
    if (connection.role === 'central' && connection.bonded && !connection.encrypted) {
      const record = connection.storedBond();
      // Encrypting from a bond is enough unless the server wants MITM and the bond lacks it.
      if (!(wantsMitm && record?.peerLtk && !record.peerLtk.authenticated)) {
        await connection.encrypt(); // BondLostError propagates: never silently re-pair
        return;
      }
    }
    if (this.autoSecurity.pair === false) throw error;
    const options = { ...(this.autoSecurity.pairOptions ?? {}) };
    if (wantsMitm && connection.authenticated === false && options.mitm === undefined) options.mitm = true;
    await connection.pair(options);
  }
}

/** Wires ATT, the server connection and the client onto a new connection. */
export function attachGatt(
  connection: Connection,
  server: GattServer,
  logger: Logger,
): { bearer: AttBearer; server: GattServerConnection; access: GattAccess } {
  const bearer = new AttBearer(connection.l2cap.fixedChannel(FixedCid.att), {
    logger: logger.child({ layer: 'att' }),
  });
  const serverConnection = server.attach(bearer, {
    peer: connection.identity,
    bonded: connection.bonded,
    security: () => connection.securityState,
  });
  connection.on('bonded', (identity) => serverConnection.setBonded(identity));
  const access = new GattAccess(
    new GattClient(bearer, { logger: logger.child({ layer: 'gatt-client' }) }),
    connection,
  );
  return { bearer, server: serverConnection, access };
}

export { BondLostError };
