/**
 * A link's PairingSession and its configuration, put together from layers: the host's pairing options, the
 * application's OOB data (delegate.oobData) and the options of a `pair()` call, later layers winning.
 */
import { type Address, formatAddress, type Logger } from '@tsble/base';
import type { Hci } from '@tsble/hci-transport';
import {
  type OobConfig,
  type PairingConfig,
  PairingSession,
  type RepeatedAttemptsTracker,
} from '@tsble/smp-core';
import { bondFromRecord } from './bond-store/bond-keys.js';
import type { BondRecord } from './bond-store/bond-record.js';
import type { BondStore } from './bond-store/bond-store.js';
import { keyPairPool } from './key-pair-pool.js';
import type { OobData, PairingDelegate } from './pairing-delegate.js';
import type { SecurityEvents } from './security-events.js';

/**
 * Combines configuration layers. OOB data is combined field by field, not replaced whole: our own LE SC
 * OOB data (`localSc`, from the host's options) and the peer's (`peerSc`, from the delegate) are two halves
 * that both sides need when each holds the other's (Core 6.0 Vol 3 Part H 2.3.5.6.4, OOB flags {1,1}).
 */
export function sessionConfig(...layers: Partial<PairingConfig>[]): Partial<PairingConfig> {
  let config: Partial<PairingConfig> = {};
  let oob: OobConfig | undefined;
  for (const layer of layers) {
    config = { ...config, ...layer };
    if (layer.oob) oob = { ...oob, ...layer.oob };
  }
  return oob ? { ...config, oob } : config;
}

/** The application's OOB data for one pairing, as a configuration layer. */
export function oobLayer(data: OobData | undefined): Partial<PairingConfig> {
  const oob: OobConfig = {};
  if (data?.tk) oob.tk = data.tk;
  if (data?.random && data.confirm) oob.peerSc = { random: data.random, confirm: data.confirm };
  return oob.tk || oob.peerSc ? { oob } : {};
}

/** What a link's session is made from. */
export interface LinkSessionOptions {
  role: 'central' | 'peripheral';
  localAddress: Address;
  peerAddress: Address;
  /** Pairing configuration of the link's session (each `pair()` adds its options for that pairing). */
  config: Partial<PairingConfig>;
  /** The application supplied its own acceptPairing: ask it before any key exchange. */
  askToAccept: boolean;
  bondStore: BondStore;
  /** The identity the peer's bond is stored under (resolved from an RPA when possible); may change after pairing. */
  peerIdentity: () => string;
  tracker: RepeatedAttemptsTracker;
  logger: Logger;
}

/**
 * The link's one PairingSession. Bonds are read from their owner, the store, each time the session needs one
 * (a bond made, replaced or forgotten is seen at once); key pairs come from the host's pool.
 */
export function linkSession(o: LinkSessionOptions, storedBond: () => BondRecord | undefined): PairingSession {
  const bond = (record: BondRecord | undefined) => (record ? bondFromRecord(record) : undefined);
  return new PairingSession({
    role: o.role,
    localAddress: o.localAddress,
    peerAddress: o.peerAddress,
    config: { ...sessionConfig(o.config), askToAccept: o.askToAccept },
    bond: () => bond(storedBond()),
    bondFor: (identity) => bond(o.bondStore.get(formatAddress(identity))),
    keyPairs: () => keyPairPool.take(),
    repeatedAttempts: { tracker: o.tracker, peerKey: o.peerIdentity() },
    logger: o.logger,
  });
}

/** The SMP channel as L2CAP gives it: whole PDUs both ways. */
export interface SmpChannel {
  send(pdu: Uint8Array): Promise<void>;
  on(event: 'pdu', listener: (pdu: Uint8Array) => void): unknown;
}

/** What a connection's security glue (connection-security.ts) is made from. */
export interface ConnectionSecurityOptions extends LinkSessionOptions {
  handle: number;
  hci: Hci;
  smp: SmpChannel;
  setPeerIdentity: (identity: string) => void;
  delegate: Required<PairingDelegate>;
  /** The application supplied oobData: ask it when a pairing starts. */
  askForOob: boolean;
  events: SecurityEvents;
}
