/**
 * @tsble/host: the user-facing BLE stack. `Host.open(spec, options)` gives a host on a controller; connections
 * in either role carry pairing, encryption from bonds, and GATT; bonds live in a pluggable store.
 */
export { Host, type HostOptions, type HostEventMap } from './host.js';
export { Connection, type ConnectionEventMap, type PairOptions, IoCapabilityName, pairingConfigOf } from './connection.js';
export type { ConnectOptions } from './connecting.js';
export type { ScanOptions } from './scanning.js';
export type { AdvertiseOptions } from './advertising.js';
export { buildAdvertisingPayloads } from './advertising.js';
export type { Advertisement } from './scan-reports.js';
export { ScanReports } from './scan-reports.js';
export type { LinkSecurityState, PairingResult } from './link-security.js';
export { HostError, type HostErrorCode, PairingError, BondLostError, DisconnectedError } from './errors.js';
export {
  type Address,
  type AddressType,
  type AddressParseError,
  parseAddress,
  parseAddressText,
  formatAddress,
  formatAddressBytes,
  addressEquals,
  randomAddressKind,
  isResolvablePrivateAddress,
  generateStaticRandomAddress,
} from './address.js';
export { type AdvertisingData, type AdvertisingDataError, decodeAdvertisingData, encodeAdvertisingData, uuid128FromBytes, uuid128ToBytes } from './advertising-data.js';
export { type BondStore, BondStoreError, type BondStoreErrorCode } from './bond-store/bond-store.js';
export type { BondRecord, LtkRecord, CsrkRecord, LocalIdentity } from './bond-store/bond-record.js';
export { FileBondStore, type FileBondStoreOptions } from './bond-store/file-bond-store.js';
export { MemoryBondStore } from './bond-store/memory-bond-store.js';
export { PeerResolver, RpaRotator, ensureLocalIrk } from './privacy.js';
export { type PairingDelegate, type PairingContext, type OobData, type PairingMethodName, defaultPairingDelegate } from './pairing-delegate.js';
export type { SecurityEventMap } from './security-events.js';
export type { GattSetup } from './gatt-glue.js';
export { AdType, AdFlag, DEFAULT_RPA_ROTATION_MS } from './constants.js';
export type { Result } from './result.js';
export { demoService, DEMO_UUIDS } from '@tsble/att-gatt';
