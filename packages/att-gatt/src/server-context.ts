/** What the request handlers need from one client's server connection. */
import type { AttPdu } from './att-pdu.js';
import type { Attribute, GattDatabase } from './gatt-database.js';

export interface PreparedWrite {
  handle: number;
  offset: number;
  value: Uint8Array;
}

export interface ServerContext {
  /** This client's prepared writes, awaiting Execute Write (Core 6.0 Vol 3 Part F 3.4.6). */
  readonly prepareQueue: PreparedWrite[];
  readonly database: GattDatabase;
  readonly mtu: number;
  /** The gate: undefined when permitted, else the ATT error code. */
  check(attribute: Attribute, access: 'read' | 'write'): Promise<number | undefined>;
  /** The value this client sees (per-client, computed or stored). */
  readValue(attribute: Attribute): Promise<Uint8Array>;
  /** Validates and stores a value; an ATT error code when refused (the value is then untouched). */
  writeValue(attribute: Attribute, value: Uint8Array): Promise<number | undefined>;
}

export function errorResponse(requestOpcode: number, handle: number, errorCode: number): AttPdu {
  return { op: 'error-response', requestOpcode, handle, errorCode };
}
