/** Placeholder filled in once @tsble/att-gatt's server and client land. */
import type { Logger } from 'pino';
import type { BondStore } from './bond-store/bond-store.js';
import type { Connection } from './connection.js';

export interface GattSetup {
  deviceName?: string;
}

export function attachGatt(_connection: Connection, _setup: GattSetup | undefined, _store: BondStore, _logger: Logger): void {}
