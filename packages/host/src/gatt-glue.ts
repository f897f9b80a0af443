/**
 * GATT on each connection: one ATT bearer on CID 0x0004 serves both our GATT server (the host's database,
 * gated by the link's security) and our GATT client (`connection.gatt`). Bonded clients' CCCD values persist
 * in the bond store.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import {
  AttBearer,
  AttError,
  AttErrorCode,
  type AttPdu,
  type ClientConfigurationStore,
  GattClient,
  GattServer,
  type GattServerConnection,
  type PeerSigning,
  type ServiceDefinition,
} from '@tsble/att-gatt';
import { fromHex, type Logger, withBindings } from '@tsble/base';
import { FixedCid } from '@tsble/l2cap';
import type { BondStore } from './bond-store/bond-store.js';
import { updateBond } from './bond-store/update-bond.js';
import type { Connection, PairOptions } from './connection.js';
import { BondLostError, HostError } from './errors.js';

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
      const cccd = Object.fromEntries(Object.entries(values).map(([h, v]) => [String(h), v]));
      // Only bonded clients keep their configuration (Core 6.0 Vol 3 Part G 3.3.3.3): updateBond leaves a peer
      // that is not (or no longer) in the store alone.
      await updateBond(store, peer, (current) => ({ ...current, cccd })).catch((error) => {
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
    logger: withBindings(logger, { layer: 'gatt-server' }),
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
 * Authentication / Encryption by securing the link and retrying once. `client` is the raw GattClient; it is
 * behind the same BLESA guard as everything else here (see bondFirst).
 */
export class GattAccess {
  constructor(
    readonly client: GattClient,
    private readonly connection: Connection,
    private readonly store: BondStore,
    public autoSecurity: AutoSecurity = {},
  ) {}

  /**
   * Signed Write Without Response (Core 6.0 Vol 3 Part G 4.9.2): data signing on an unencrypted link, with the
   * CSRK we gave the peer when bonding; the SignCounter advances in the bond store with every write.
   */
  async signedWrite(
    serviceUuid: string | number,
    characteristicUuid: string | number,
    value: Uint8Array,
  ): Promise<void> {
    const record = this.connection.storedBond();
    const csrk = record?.localCsrk;
    if (!record || !csrk)
      throw new HostError('invalid-argument', `no signing key for ${this.connection.identity}: bond first`);
    // Exempt from the BLESA guard: a Signed Write is for a link that is not encrypted (Vol 3 Part G 4.9.2).
    const characteristic = await signingExempt.run(true, () =>
      this.client.characteristic(serviceUuid, characteristicUuid),
    );
    // Saved before sending: a counter is never reused, even if the process dies right after the write, or
    // another process signs with the same bond (the counter is taken from the record as stored now).
    let counter = csrk.signCounter;
    const stored = await updateBond(this.store, record.address, (current) => {
      if (!current.localCsrk || current.localCsrk.csrk !== csrk.csrk) return undefined;
      counter = current.localCsrk.signCounter;
      return { ...current, localCsrk: { ...current.localCsrk, signCounter: counter + 1 } };
    });
    if (!stored)
      throw new HostError(
        'invalid-argument',
        `the bond with ${this.connection.identity} is gone: bond again`,
      );
    await this.client.signedWrite(characteristic.valueHandle, value, fromHex(csrk.csrk), counter);
  }

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
    // Insufficient Encryption on a link that is encrypted: the server judged the request before it had taken
    // in the Encryption Change both controllers reported. Asking again is enough; pairing would replace a
    // good bond for nothing.
    if (error.code === AttErrorCode.insufficientEncryption && connection.encrypted) return;
    const wantsMitm = error.code === AttErrorCode.insufficientAuthentication; // Core 6.0 Vol 3 Part F 3.4.1.1
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
    // The server asks for an authenticated link: pair with MITM protection (or fail with Authentication
    // Requirements when the IO capabilities cannot give it) rather than make a key it will refuse again.
    if (wantsMitm) options.mitm = true;
    await connection.pair(options);
  }
}

/** Wires ATT, the server connection and the client onto a new connection. */
export function attachGatt(
  connection: Connection,
  server: GattServer,
  store: BondStore,
  logger: Logger,
): { bearer: AttBearer; server: GattServerConnection; access: GattAccess } {
  const bearer = new AttBearer(connection.l2cap.fixedChannel(FixedCid.att), {
    logger: withBindings(logger, { layer: 'att' }),
    beforeClientPdu: bondFirst(connection),
  });
  const serverConnection = server.attach(bearer, {
    peer: connection.identity,
    bonded: connection.bonded,
    security: () => connection.securityState,
  });
  const signing = () => peerSigning(connection, store, logger);
  serverConnection.setSigning(signing());
  connection.on('bonded', (identity) => {
    serverConnection.setBonded(identity);
    serverConnection.setSigning(signing());
  });
  const access = new GattAccess(
    new GattClient(bearer, { logger: withBindings(logger, { layer: 'gatt-client' }) }),
    connection,
    store,
  );
  return { bearer, server: serverConnection, access };
}

export { BondLostError };

/** Set while a Signed Write finds its characteristic: those requests skip the BLESA guard. */
const signingExempt = new AsyncLocalStorage<boolean>();

/**
 * BLESA (spoofing attacks on reconnection): a bonded peer must prove it holds the bond's key before anything
 * it serves, its database included, is trusted, or anything we write reaches it. A bonded central encrypts
 * from the bond before its first client request; when the peer cannot, the request rejects with
 * BondLostError: there is no plaintext fallback. The guard is the bearer's client-side gate (requests and
 * Write Commands), so it holds for the raw `connection.gatt.client` as much as for `gatt.read()`: an
 * application cannot bypass it by accident. Signed writes are exempt: they are made for unencrypted links and
 * carry their own authentication (Vol 3 Part C 10.4). Server-side traffic (responses, notifications) is not
 * touched.
 */
function bondFirst(connection: Connection): (pdu: AttPdu) => Promise<void> | undefined {
  return (pdu) =>
    connection.role === 'central' &&
    connection.connected &&
    connection.bonded &&
    !connection.encrypted &&
    pdu.op !== 'signed-write-command' &&
    signingExempt.getStore() !== true
      ? connection.encrypt()
      : undefined;
}

/**
 * Signed writes from a bonded peer (Core 6.0 Vol 3 Part H 2.4.5, Part C 10.4.2): verified with the CSRK it
 * distributed. The store keeps `signCounter` as the next counter expected (0: none seen yet), so a replayed
 * counter is refused across restarts too.
 */
function peerSigning(connection: Connection, store: BondStore, logger: Logger): PeerSigning | undefined {
  const csrk = connection.storedBond()?.peerCsrk;
  if (!csrk) return undefined;
  return {
    csrk: fromHex(csrk.csrk),
    ...(csrk.signCounter > 0 ? { lastCounter: csrk.signCounter - 1 } : {}),
    onCounter: (counter) => {
      void updateBond(store, connection.identity, (current) =>
        current.peerCsrk?.csrk === csrk.csrk
          ? // Never backwards: the stored counter may have moved on in another process.
            {
              ...current,
              peerCsrk: {
                ...current.peerCsrk,
                signCounter: Math.max(current.peerCsrk.signCounter, counter + 1),
              },
            }
          : undefined,
      ).catch((error) => {
        logger.warn({ err: error }, 'could not save the SignCounter');
      });
    },
  };
}
