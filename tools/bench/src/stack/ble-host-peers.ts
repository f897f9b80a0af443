/**
 * ble-host (npm, Emil Lenngren's JavaScript host stack) as the side-by-side baseline: two BleManagers on one
 * virtual controller air, connected, paired, notifying; the same scenarios tsble-peers.ts builds for tsble.
 * ble-host is untyped CommonJS: the parts used are typed in ble-host-api.ts. It keeps bonds as JSON files
 * under the working directory, so every ble-host run happens inside a temporary directory.
 */
import type { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualAir } from '@tsble/virtual-controller';
import {
  type BleClientCharacteristic,
  type BleClientService,
  type BleCoc,
  type BleConnection,
  type BleManager,
  type BleServerCharacteristic,
  bleHost,
} from './ble-host-api.js';
import { BleHostTransport } from './ble-host-transport.js';
import type { NotificationEnds, SduEnds } from './throughput.js';
import { NOTIFY_CHARACTERISTIC, NOTIFY_SERVICE } from './tsble-peers.js';

/** ble-host's bond files go here (it writes `NodeBleLib-storage-dir` under the working directory). */
let storageDirectory: string | undefined;

/** Runs `body` with the working directory in a temporary directory, restoring it afterwards. */
export async function inBleHostStorage<T>(body: () => Promise<T>): Promise<T> {
  if (storageDirectory === undefined) {
    const directory = mkdtempSync(join(tmpdir(), 'tsble-bench-ble-host-'));
    storageDirectory = directory;
    process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  }
  const previous = process.cwd();
  process.chdir(storageDirectory);
  try {
    return await body();
  } finally {
    process.chdir(previous);
  }
}

/**
 * ble-host keeps bonds per pair of addresses for the life of the process (and on disk), and refuses to pair
 * Just Works again with a peer it is bonded with. The virtual controller's default public addresses repeat
 * after 256 controllers, so every controller ble-host runs on gets an address never used before: a run must
 * not find the bond of an earlier one.
 */
let addressesUsed = 0;
function freshAddress(): Uint8Array {
  const n = ++addressesUsed;
  return Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, 0x48, 0x42, 0x00);
}

/** A ble-host BleManager on a new controller of `air`; `close` ends it. */
export function openBleManager(
  air: VirtualAir,
): Promise<{ manager: BleManager; address: string; close(): void }> {
  const controller = air.addController({ address: freshAddress() });
  const transport = new BleHostTransport(controller);
  // Its public address as ble-host reads it (Read BD_ADDR): most significant octet first.
  const address = Array.from(controller.state.publicAddress)
    .reverse()
    .map((octet) => octet.toString(16).padStart(2, '0').toUpperCase())
    .join(':');
  return new Promise((resolve, reject) => {
    bleHost.BleManager.create(transport, {}, (error, manager) => {
      if (error) return reject(error);
      // Closing the transport makes ble-host emit 'error' ("Transport closed"): expected here.
      manager.on('error', () => undefined);
      resolve({ manager, address, close: () => transport.close() });
    });
  });
}

/** Milliseconds of one BleManager.create to ready on its own air (ble-host's start-up), closed off the clock. */
export async function timeBleManagerCreate(): Promise<number> {
  const air = new VirtualAir();
  const start = performance.now();
  const opened = await openBleManager(air);
  const elapsed = performance.now() - start;
  opened.close();
  air.close();
  return elapsed;
}

export interface ConnectedBleHosts {
  central: BleManager;
  peripheral: BleManager;
  connection: BleConnection;
  remote: BleConnection;
  /** The peripheral's notify characteristic (serves when `notifying` was asked for). */
  characteristic: BleServerCharacteristic;
  close(): void;
}

/** Two ble-host managers on a fresh air, connected (the peripheral serves the notify characteristic). */
export async function openConnectedBleHosts(): Promise<ConnectedBleHosts> {
  const air = new VirtualAir();
  const peripheral = await openBleManager(air);
  const central = await openBleManager(air);
  const close = () => {
    central.close();
    peripheral.close();
    air.close();
  };
  const characteristic: BleServerCharacteristic = { uuid: NOTIFY_CHARACTERISTIC, properties: ['notify'] };
  peripheral.manager.gattDb.addServices([{ uuid: NOTIFY_SERVICE, characteristics: [characteristic] }]);
  const accepted = new Promise<BleConnection>((resolve, reject) =>
    peripheral.manager.startAdvertising({}, (status, connection) =>
      status === 0
        ? resolve(connection)
        : reject(new Error(`ble-host could not advertise: status ${status}`)),
    ),
  );
  const connection = await new Promise<BleConnection>((resolve) =>
    central.manager.connect('public', peripheral.address, {}, resolve),
  );
  const remote = await accepted;
  return {
    central: central.manager,
    peripheral: peripheral.manager,
    connection,
    remote,
    characteristic,
    close,
  };
}

/** How long a ble-host pairing may take before it counts as stuck (ble-host's own SMP timeout is 30 s). */
const PAIRING_LIMIT_MS = 10_000;

/** Resolves on `event` of `emitter`; rejects on `failure`, or when neither comes within PAIRING_LIMIT_MS. */
function settle(emitter: EventEmitter, event: string, failure: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`ble-host: no ${event} within ${PAIRING_LIMIT_MS} ms`)),
      PAIRING_LIMIT_MS,
    );
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args);
    });
    emitter.once(failure, (reason: unknown) => {
      clearTimeout(timer);
      reject(new Error(`ble-host ${failure}: ${String(reason)}`));
    });
  });
}

/**
 * Milliseconds of one LE Secure Connections Just Works pairing between two ble-host managers, from the
 * Pairing Request until both sides report `pairingComplete` (ble-host has stored the keys by then).
 */
export function timeBleHostPairing(): Promise<number> {
  return inBleHostStorage(async () => {
    const hosts = await openConnectedBleHosts();
    try {
      const both = Promise.all([
        settle(hosts.connection.smp, 'pairingComplete', 'pairingFailed'),
        settle(hosts.remote.smp, 'pairingComplete', 'pairingFailed'),
      ]);
      const start = performance.now();
      hosts.connection.smp.sendPairingRequest({ sc: true, mitm: false, bondingFlags: 1 });
      const [[result]] = await both;
      const elapsed = performance.now() - start;
      if (!(result as { sc?: boolean }).sc)
        throw new Error('ble-host did not pair with LE Secure Connections');
      return elapsed;
    } finally {
      hosts.close();
    }
  });
}

/** A connected ble-host pair whose central subscribed to notifications, as the pump wants it. */
export async function openNotifyingBleHosts(): Promise<{ hosts: ConnectedBleHosts; ends: NotificationEnds }> {
  const hosts = await openConnectedBleHosts();
  try {
    const [service] = await new Promise<BleClientService[]>((resolve) =>
      hosts.connection.gatt.discoverServicesByUuid(NOTIFY_SERVICE, 1, resolve),
    );
    if (service === undefined) throw new Error('ble-host found no notify service');
    const [characteristic] = await new Promise<BleClientCharacteristic[]>((resolve) =>
      service.discoverCharacteristics(resolve),
    );
    if (characteristic === undefined) throw new Error('ble-host found no notify characteristic');
    const status = await new Promise<number>((resolve) => characteristic.writeCCCD(true, false, resolve));
    if (status !== 0) throw new Error(`ble-host could not subscribe: ATT error ${status}`);
    const notify = hosts.characteristic.notify;
    if (notify === undefined) throw new Error('ble-host did not attach notify()');
    const remote = hosts.remote;
    // The pump sends one value over and over: convert it to a Buffer once, not per notification.
    let source: Uint8Array | undefined;
    let buffer = Buffer.alloc(0);
    return {
      hosts,
      ends: {
        send: (value) => {
          if (value !== source) {
            source = value;
            buffer = Buffer.from(value);
          }
          notify.call(hosts.characteristic, remote, buffer);
        },
        onNotification: (listener) => characteristic.on('change', listener),
      },
    };
  } catch (error) {
    hosts.close();
    throw error;
  }
}

/**
 * A connected ble-host pair with an LE credit-based channel (SPSM 0x0080) opened by the central, SDUs up to
 * `mtu` octets, carrying data from the peripheral (the channel's server) to the central. That direction is
 * not a free choice: ble-host as the channel's client never records the channel's CIDs for incoming LE Flow
 * Control Credit packets (only its server does), so a ble-host client stalls once its initial credits are
 * spent. ble-host chooses the rest itself: MPS min(MTU, 1004) and 500 initial credits for what it receives.
 */
export async function openCreditChannelBleHosts(
  mtu: number,
): Promise<{ hosts: ConnectedBleHosts; ends: SduEnds }> {
  const hosts = await openConnectedBleHosts();
  try {
    const psm = 0x0080;
    const accepted = new Promise<BleCoc>((resolve, reject) =>
      hosts.remote.l2capCoCManager.registerLePsm(psm, (_txMtu, accept) => {
        const coc = accept(0, false, mtu);
        if (coc) resolve(coc);
        else reject(new Error('ble-host did not accept its own channel'));
      }),
    );
    const client = await new Promise<BleCoc>((resolve, reject) =>
      hosts.connection.l2capCoCManager.connect(psm, false, mtu, (result, channel) =>
        result === 0 ? resolve(channel) : reject(new Error(`ble-host CoC refused: result ${result}`)),
      ),
    );
    const server = await accepted;
    // As for notifications: one Buffer per distinct SDU, not one per send.
    let source: Uint8Array | undefined;
    let buffer = Buffer.alloc(0);
    return {
      hosts,
      ends: {
        send: (sdu) => {
          if (sdu !== source) {
            source = sdu;
            buffer = Buffer.from(sdu);
          }
          return new Promise<void>((resolve) => server.send(buffer, resolve));
        },
        onSdu: (listener) => client.on('data', (sdu: Buffer) => listener(sdu.length)),
      },
    };
  } catch (error) {
    hosts.close();
    throw error;
  }
}
