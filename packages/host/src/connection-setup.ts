/**
 * Everything a new connection gets when the controller reports it (Core 6.0 Vol 4 Part E 7.7.65.1/.10):
 * the peer's on-air address and identity (resolved from an RPA by the controller or by us), L2CAP, the
 * security glue with the host's pairing defaults and our identity, and GATT.
 */

import type { GattServer } from '@tsble/att-gatt';
import { type Address, addressFromBytes, formatAddress, type Logger, withBindings } from '@tsble/base';
import { type Hci, HciAddressType, HciRole, type LeConnectionComplete } from '@tsble/hci-transport';
import type { RepeatedAttemptsTracker } from '@tsble/smp-core';
import type { BondStore } from './bond-store/bond-store.js';
import { Connection, pairingConfigOf } from './connection.js';
import { ConnectionSecurity } from './connection-security.js';
import { attachGatt } from './gatt-glue.js';
import type { HostOptions } from './host.js';
import { completeDelegate } from './pairing-delegate.js';
import type { PeerResolver } from './privacy.js';

export interface ConnectionSetup {
  hci: Hci;
  logger: Logger;
  /** The address we use on air now (our RPA with privacy on). */
  localAddress: Address;
  identityAddress: Address;
  localIrk: Uint8Array;
  resolver: PeerResolver;
  bondStore: BondStore;
  gattServer: GattServer;
  tracker: RepeatedAttemptsTracker;
  options: HostOptions;
}

/** The peer's on-air address and the identity its bond is (or will be) stored under. */
function peerOf(
  event: LeConnectionComplete,
  resolver: PeerResolver,
): { peerAddress: Address; identity: string } {
  const publicType =
    event.peerAddressType === HciAddressType.public ||
    event.peerAddressType === HciAddressType.publicIdentity;
  // Types 2 and 3: the controller resolved an RPA from its resolving list; the event carries the identity.
  const resolvedByController = event.peerAddressType >= HciAddressType.publicIdentity;
  const onAir =
    resolvedByController && event.peerResolvablePrivateAddress.some((b) => b !== 0)
      ? event.peerResolvablePrivateAddress
      : event.peerAddress;
  const peerAddress = addressFromBytes(
    onAir,
    resolvedByController ? 'random' : publicType ? 'public' : 'random',
  );
  const identity = resolvedByController
    ? formatAddress(addressFromBytes(event.peerAddress, publicType ? 'public' : 'random'))
    : resolver.identityOf(peerAddress);
  return { peerAddress, identity };
}

export function setUpConnection(event: LeConnectionComplete, setup: ConnectionSetup): Connection {
  const role = event.role === HciRole.central ? 'central' : 'peripheral';
  const { peerAddress, identity } = peerOf(event, setup.resolver);
  const logger = withBindings(setup.logger, { handle: event.connectionHandle, peer: identity });
  const handle = event.connectionHandle;
  const connection = new Connection({
    hci: setup.hci,
    handle,
    role,
    peerAddress,
    identity,
    logger,
    ...(setup.options.connectionParameters
      ? { connectionParameters: setup.options.connectionParameters }
      : {}),
  });
  const { delegate, pairing } = setup.options;
  const security = new ConnectionSecurity({
    role,
    handle,
    hci: setup.hci,
    smp: connection.smpChannel,
    localAddress: setup.localAddress,
    peerAddress,
    peerIdentity: () => connection.identity,
    setPeerIdentity: (id) => connection.setIdentity(id),
    bondStore: setup.bondStore,
    delegate: completeDelegate(delegate),
    askToAccept: delegate?.acceptPairing !== undefined,
    askForOob: delegate?.oobData !== undefined,
    config: {
      ...pairingConfigOf(pairing ?? {}),
      // We distribute our IRK and identity address so the peer can resolve our RPAs (Vol 3 Part H 3.6.4).
      identity: {
        irk: setup.localIrk,
        address: setup.identityAddress,
      },
    },
    tracker: setup.tracker,
    logger,
    events: connection.securityEvents,
  });
  connection.attachSecurity(security);
  connection.attachGatt(attachGatt(connection, setup.gattServer, setup.bondStore, logger).access);
  logger.info({ role, address: formatAddress(peerAddress) }, 'connected');
  return connection;
}
