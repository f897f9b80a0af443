/**
 * @tsble/host: the user-facing BLE stack. `Host.open(spec, options)` gives a host on a controller; connections
 * in either role carry pairing, encryption from bonds, and GATT; bonds live in a pluggable store.
 */

/** What `HostOptions.gatt.services` takes: the GATT server's service definitions. */
export type {
  AttributeContext,
  CharacteristicDefinition,
  CharacteristicPropertyName,
  DescriptorDefinition,
  PresentationFormat,
  ReadHandler,
  ServiceDefinition,
  WriteHandler,
} from '@tsble/att-gatt';
/** GATT errors come back typed: `AttError.code` is one of `AttErrorCode` (Core 6.0 Vol 3 Part F 3.4.1.1). */
export { AttError, AttErrorCode } from '@tsble/att-gatt';
export {
  type Address,
  type AddressParseError,
  type AddressType,
  addressEquals,
  err,
  formatAddress,
  formatAddressBytes,
  generateStaticRandomAddress,
  isResolvablePrivateAddress,
  ok,
  parseAddress,
  parseAddressText,
  type Result,
  randomAddressKind,
} from '@tsble/base';
/** What `Host.open` and the controller's failures reject with (defined by the HCI layer). */
export {
  HciAbortError,
  HciCommandError,
  HciCreditTimeoutError,
  HciError,
  type HciErrorCode,
  HciTimeoutError,
  HciTransportError,
} from '@tsble/hci-transport';
/** What `Connection.l2cap` gives: the link's L2CAP and its LE credit-based channels. */
export type { L2cap, LeCreditChannel } from '@tsble/l2cap';
/** The re-pairing policy of `PairOptions.bondReplacement`, defined with the pairing engine. */
export type { BondReplacementPolicy } from '@tsble/smp-core';
export type { AdvertiseOptions } from './advertising.js';
export { buildAdvertisingPayloads } from './advertising.js';
export {
  type AdvertisingData,
  type AdvertisingDataError,
  decodeAdvertisingData,
  encodeAdvertisingData,
} from './advertising-data.js';
export type { BondRecord, CsrkRecord, LocalIdentity, LtkRecord } from './bond-store/bond-record.js';
export { type BondStore, BondStoreError, type BondStoreErrorCode } from './bond-store/bond-store.js';
export { FileBondStore, type FileBondStoreOptions } from './bond-store/file-bond-store.js';
export { MemoryBondStore } from './bond-store/memory-bond-store.js';
export type { ConnectOptions } from './connecting.js';
export {
  Connection,
  type ConnectionEventMap,
  type ConnectionParameterPolicy,
  type ConnectionParameterRequest,
  IoCapabilityName,
  type PairOptions,
  pairingConfigOf,
} from './connection.js';
export { AdFlag, AdType, DEFAULT_RPA_ROTATION_MS } from './constants.js';
export {
  ControllerPeerResolution,
  controllerResolvesAddresses,
  type SyncOutcome,
} from './controller-privacy.js';
export { BondLostError, DisconnectedError, HostError, type HostErrorCode, PairingError } from './errors.js';
export type { GattAccess, GattSetup } from './gatt-glue.js';
export { Host, type HostEventMap, type HostOptions } from './host.js';
export type { LinkSecurityState, PairingResult } from './link-security.js';
export {
  type BondReplacementRequest,
  defaultPairingDelegate,
  type OobData,
  type PairingContext,
  type PairingDelegate,
  type PairingMethodName,
} from './pairing-delegate.js';
export { ensureLocalIrk, PeerResolver, RpaRotator } from './privacy.js';
export type { Advertisement } from './scan-reports.js';
export { ScanReports } from './scan-reports.js';
export type { ScanOptions } from './scanning.js';
export type { SecurityEventMap } from './security-events.js';
