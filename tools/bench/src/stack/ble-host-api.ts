/**
 * The parts of ble-host's API (npm `ble-host` 1.0.3, untyped CommonJS) the benchmarks use, as types, from
 * its docs/api: managers, connections, SMP, GATT client and server, L2CAP CoC.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

export interface BleSmp extends EventEmitter {
  sendPairingRequest(features: object): boolean;
}
export interface BleClientCharacteristic extends EventEmitter {
  writeCCCD(notifications: boolean, indications: boolean, callback: (attError: number) => void): void;
}
export interface BleClientService {
  discoverCharacteristics(callback: (characteristics: BleClientCharacteristic[]) => void): void;
}
export interface BleCoc extends EventEmitter {
  send(sdu: Buffer, sentCallback?: () => void): void;
}
export interface BleCocManager {
  connect(
    psm: number,
    initiallyPaused: boolean,
    rxMtu: number,
    callback: (result: number, coc: BleCoc) => void,
  ): void;
  registerLePsm(
    psm: number,
    onRequest: (
      txMtu: number,
      accept: (result: number, initiallyPaused: boolean, rxMtu: number) => BleCoc | undefined,
    ) => void,
  ): void;
}
export interface BleConnection extends EventEmitter {
  readonly smp: BleSmp;
  readonly l2capCoCManager: BleCocManager;
  readonly gatt: {
    discoverServicesByUuid(
      uuid: number,
      count: number,
      callback: (services: BleClientService[]) => void,
    ): void;
  };
}
export interface BleServerCharacteristic {
  uuid: number;
  properties: string[];
  /** Attached by ble-host when the service is added. */
  notify?: (connection: BleConnection, value: Buffer) => boolean;
}
export interface BleManager extends EventEmitter {
  readonly gattDb: { addServices(services: object[]): void };
  startAdvertising(parameters: object, callback: (status: number, connection: BleConnection) => void): void;
  connect(
    addressType: string,
    address: string,
    parameters: object,
    callback: (c: BleConnection) => void,
  ): void;
}
export interface BleHostModule {
  BleManager: {
    create(
      transport: object,
      options: object,
      callback: (error: Error | null, manager: BleManager) => void,
    ): void;
  };
}

const require = createRequire(import.meta.url);
/** The ble-host package itself. */
export const bleHost = require('ble-host') as BleHostModule;

/** ble-host's bond storage module (lib/internal/storage.js): keys per local and peer address, IRK lookup. */
export interface BleHostStorage {
  storeKeys(own: string, peer: string, mitm: boolean, sc: boolean, irk: Buffer, ...rest: null[]): void;
  /** Addresses as `tt:AA:BB:CC:DD:EE:FF` (tt 00 public, 01 random); the identity address, or null. */
  resolveAddress(own: string, peerRandomAddress: string): string | null;
}
export const bleHostStorage = require('ble-host/lib/internal/storage.js') as BleHostStorage;
