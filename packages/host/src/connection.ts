/**
 * One LE connection: its L2CAP, its security (pairing, encryption from a bond), its GATT client and the GATT
 * server's view of it. Made by `Host` when the controller reports a connection, in either role.
 */

import { type Address, formatAddress, hexNumber, type Logger, TypedEmitter } from '@tsble/base';
import { type Hci, HciStatus } from '@tsble/hci-transport';
import { type ConnectionParameters, FixedCid, L2cap } from '@tsble/l2cap';
import {
  type BondReplacementPolicy,
  IoCapability,
  type OobConfig,
  type PairingConfig,
} from '@tsble/smp-core';
import type { BondRecord } from './bond-store/bond-record.js';
import type { ConnectionSecurity } from './connection-security.js';
import { DisconnectedError, HostError } from './errors.js';
import type { GattAccess } from './gatt-glue.js';
import type { LinkSecurityState, PairingResult } from './link-security.js';
import type { SecurityEventMap, SecurityEvents } from './security-events.js';

/** IO capabilities by the names the CLI and applications use (Core 6.0 Vol 3 Part H 3.5.1). */
export const IoCapabilityName = {
  none: IoCapability.noInputNoOutput,
  display: IoCapability.displayOnly,
  'display-yesno': IoCapability.displayYesNo,
  keyboard: IoCapability.keyboardOnly,
  'keyboard-display': IoCapability.keyboardDisplay,
} as const;
export type IoCapabilityName = keyof typeof IoCapabilityName;

/** `Connection.pair()` options, with aioble's defaults. */
export interface PairOptions {
  /** Store the keys (default true). */
  bond?: boolean;
  /** Offer LE Secure Connections (default true). */
  leSecure?: boolean;
  /** Require MITM protection (default false). */
  mitm?: boolean;
  /** Our IO capability (default NoInputNoOutput). */
  io?: IoCapabilityName | IoCapability;
  /** Refuse legacy pairing. */
  scOnly?: boolean;
  /** Smallest acceptable key size, 7..16 (default 16). */
  minKeySize?: number;
  /** A fixed passkey to display instead of a random one. */
  passkey?: number;
  /**
   * Out-of-band data (Core 6.0 Vol 3 Part H 2.3.5.6.4 for LE Secure Connections, 2.3.5.4 legacy TK): our own
   * (`localSc`, made by smp-core's `generateScOobData`), the peer's (`peerSc`), or a shared legacy `tk`.
   */
  oob?: OobConfig;
  /**
   * When a pairing may replace the bond held for the identity the peer claims (at no lower strength; a
   * weaker pairing never replaces a bond): `'proven'` (default) when the peer paired from that identity
   * address or from an RPA its stored IRK resolves, `'never'`, or `'ask'` (the delegate's `replaceBond`).
   */
  bondReplacement?: BondReplacementPolicy;
  /**
   * Accept a peer that connects from a public or static address and distributes a different identity
   * address (default false: such a pairing fails with Invalid Parameters and nothing is stored).
   */
  allowIdentityMismatch?: boolean;
}

export function pairingConfigOf(options: PairOptions): Partial<PairingConfig> {
  const config: Partial<PairingConfig> = {};
  if (options.bond !== undefined) config.bond = options.bond;
  if (options.leSecure !== undefined) config.sc = options.leSecure;
  if (options.mitm !== undefined) config.mitm = options.mitm;
  if (options.io !== undefined)
    config.io = typeof options.io === 'string' ? IoCapabilityName[options.io] : options.io;
  if (options.scOnly !== undefined) config.scOnly = options.scOnly;
  if (options.minKeySize !== undefined) config.minKeySize = options.minKeySize;
  if (options.passkey !== undefined) config.passkey = options.passkey;
  if (options.oob !== undefined) config.oob = options.oob;
  if (options.bondReplacement !== undefined) config.bondReplacement = options.bondReplacement;
  if (options.allowIdentityMismatch !== undefined)
    config.allowIdentityMismatch = options.allowIdentityMismatch;
  return config;
}

export type ConnectionEventMap = SecurityEventMap & {
  /** The link is gone; `reason` is the HCI reason code. */
  disconnected: (reason: number) => void;
};

/**
 * A peripheral's Connection Parameter Update Request (Core 6.0 Vol 3 Part A 4.20), in the units L2CAP carries:
 * intervals in 1.25 ms, latency in connection events, supervision timeout in 10 ms.
 */
export type ConnectionParameterRequest = ConnectionParameters;

/**
 * How a central answers a peripheral's parameter request: `'accept'` (default) applies every request L2CAP
 * found valid with HCI LE Connection Update, as phones do; `'refuse'` answers rejected; a function decides.
 */
export type ConnectionParameterPolicy =
  | 'accept'
  | 'refuse'
  | ((request: ConnectionParameterRequest) => boolean | Promise<boolean>);

export interface ConnectionInit {
  hci: Hci;
  handle: number;
  role: 'central' | 'peripheral';
  peerAddress: Address;
  identity: string;
  logger: Logger;
  connectionParameters?: ConnectionParameterPolicy;
}

export class Connection extends TypedEmitter<ConnectionEventMap> {
  readonly handle: number;
  readonly role: 'central' | 'peripheral';
  /** The address the peer used on this link. */
  readonly peerAddress: Address;
  readonly l2cap: L2cap;
  private _identity: string;
  private _security: ConnectionSecurity | undefined;
  private _connected = true;
  private _gatt: GattAccess | undefined;
  private readonly hci: Hci;
  private readonly logger: Logger;
  private closedWith: DisconnectedError | undefined;
  /** ACL data received while an Encryption Change was being applied, delivered once it is (receiveAcl). */
  private aclHeld: [number, Uint8Array][] | undefined;

  constructor(init: ConnectionInit) {
    super();
    this.hci = init.hci;
    this.handle = init.handle;
    this.role = init.role;
    this.peerAddress = init.peerAddress;
    this._identity = init.identity;
    this.logger = init.logger;
    this.l2cap = new L2cap(init.hci.aclLink(init.handle), {
      role: init.role,
      logger: init.logger,
      security: () => this.securityState,
      // L2CAP checks the ranges; what is accepted is applied (Vol 3 Part A 4.20: respond, then update).
      onConnectionParameterUpdateRequest: (request) =>
        this.decideParameters(request, init.connectionParameters),
    });
  }

  private async decideParameters(
    request: ConnectionParameterRequest,
    policy: ConnectionParameterPolicy = 'accept',
  ): Promise<boolean> {
    const accepted = policy === 'accept' || (policy !== 'refuse' && (await policy(request)) === true);
    this.logger.info({ ...request, accepted }, 'connection parameter update request');
    // The response goes out first; the update follows it (setImmediate: after L2CAP has sent the response).
    if (accepted) setImmediate(() => void this.applyParameters(request));
    return accepted;
  }

  private async applyParameters(request: ConnectionParameterRequest): Promise<void> {
    if (!this._connected) return;
    await this.hci
      .execute('leConnectionUpdate', {
        connectionHandle: this.handle,
        connectionIntervalMin: request.intervalMin,
        connectionIntervalMax: request.intervalMax,
        maxLatency: request.latency,
        supervisionTimeout: request.timeout,
        minCeLength: 0,
        maxCeLength: 0,
      })
      .catch((error) => this.logger.warn({ err: error }, 'LE Connection Update failed'));
  }

  /** @internal where the security glue reports this connection's events; nobody else can emit them. */
  readonly securityEvents: SecurityEvents = {
    emit: (event, ...args) => {
      this.emit(event, ...args);
    },
  };

  /** @internal the host attaches the security glue once the connection exists. */
  attachSecurity(security: ConnectionSecurity): void {
    this._security = security;
  }

  /** @internal */
  get securityGlue(): ConnectionSecurity | undefined {
    return this._security;
  }

  /** The peer's identity: its bonded identity address when it uses a resolvable private address we resolved. */
  get identity(): string {
    return this._identity;
  }

  /** @internal identity learnt from key distribution. */
  setIdentity(identity: string): void {
    this._identity = identity;
  }

  get address(): string {
    return formatAddress(this.peerAddress);
  }

  get connected(): boolean {
    return this._connected;
  }

  get securityState(): LinkSecurityState {
    if (!this._security) throw new HostError('not-connected', 'security is not set up yet');
    return this._security.report.current;
  }
  get encrypted(): boolean {
    return this.securityState.encrypted;
  }
  get authenticated(): boolean {
    return this.securityState.authenticated;
  }
  /** We hold a bond for this peer (read from the bond store, its owner). */
  get bonded(): boolean {
    return this.securityState.bonded;
  }
  get keySize(): number {
    return this.securityState.keySize;
  }
  get sc(): boolean {
    return this.securityState.sc;
  }
  get securityLevel(): number {
    return this.securityState.securityLevel;
  }

  /** Pair (central) or ask the central to pair (peripheral: Security Request). Rejects with PairingError. */
  pair(options: PairOptions = {}): Promise<PairingResult> {
    if (!this._connected || !this._security)
      return Promise.reject(this.closedWith ?? new HostError('not-connected', 'not connected'));
    return this._security.pair(pairingConfigOf(options));
  }

  /** Central: encrypt from the stored bond without pairing. Rejects with BondLostError if the peer lost it. */
  encrypt(): Promise<void> {
    if (!this._connected || !this._security)
      return Promise.reject(this.closedWith ?? new HostError('not-connected', 'not connected'));
    return this._security.encryptFromBond();
  }

  /** Disconnects (HCI Disconnect, reason Remote User Terminated Connection) and resolves once the link is gone. */
  async disconnect(reason: number = HciStatus.remoteUserTerminatedConnection): Promise<void> {
    if (!this._connected) return;
    const gone = this.next('disconnected');
    // The controller may accept the command and then report that the disconnection failed (a Disconnection
    // Complete with a non-zero status, Core 6.0 Vol 4 Part E 7.7.5): the link stays up and waiting for it to
    // go would never end.
    let onFailed: ((event: { connectionHandle: number; status: number }) => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      onFailed = (event) => {
        if (event.connectionHandle !== this.handle) return;
        const status = `${hexNumber(event.status)}`;
        reject(new HostError('controller', `disconnect failed: the controller reported status ${status}`));
      };
      this.hci.on('disconnectionFailed', onFailed);
    });
    failed.catch(() => undefined); // observed by the race below; may settle before it starts
    try {
      await this.hci.execute('disconnect', { connectionHandle: this.handle, reason });
      await Promise.race([gone, failed]);
    } catch (error) {
      if (!this._connected) return;
      if (error instanceof HostError) throw error;
      throw new HostError('controller', `disconnect failed: ${(error as Error).message}`, { cause: error });
    } finally {
      if (onFailed) this.hci.off('disconnectionFailed', onFailed);
    }
  }

  /** Resolves when the link goes down (with the HCI reason). */
  waitForDisconnection(): Promise<number> {
    if (!this._connected) return Promise.resolve(this.closedWith?.reason ?? 0);
    return this.next('disconnected').then(([reason]) => reason);
  }

  /** @internal from the host's event routing. */
  receiveAcl(packetBoundary: number, data: Uint8Array): void {
    if (this.aclHeld) {
      this.aclHeld.push([packetBoundary, data]);
      return;
    }
    const settling = this._security?.encryptionSettling;
    if (!settling) {
      this.l2cap.receiveAcl(packetBoundary, data);
      return;
    }
    // Data after an Encryption Change waits until the change is applied: in the order the controller told it.
    this.aclHeld = [[packetBoundary, data]];
    void settling.then(() => {
      const held = this.aclHeld ?? [];
      this.aclHeld = undefined;
      if (!this._connected) return;
      for (const [boundary, fragment] of held) this.l2cap.receiveAcl(boundary, fragment);
    });
  }

  /**
   * @internal the controller reported the disconnection. The link is closed at once; `disconnected` is
   * emitted once the security glue has reported what happened before it (events come out in the order things
   * happened), and the returned promise resolves after that.
   */
  async closed(reason: number): Promise<void> {
    if (!this._connected) return;
    this._connected = false;
    const error = new DisconnectedError(reason);
    this.closedWith = error;
    this.l2cap.close();
    await this._security?.close(error);
    this.logger.info({ reason }, 'disconnected');
    this.emit('disconnected', reason);
  }

  /** The GATT client of this connection (reads by UUID secure the link when the server asks for it). */
  get gatt(): GattAccess {
    if (!this._gatt) throw new HostError('not-connected', 'GATT is not set up on this connection');
    return this._gatt;
  }

  /** @internal */
  attachGatt(gatt: GattAccess): void {
    this._gatt = gatt;
  }

  /** The bond the store holds for this peer, if any. */
  storedBond(): BondRecord | undefined {
    return this._security?.report.storedBond();
  }

  /** The SMP fixed channel (CID 0x0006). */
  get smpChannel() {
    return this.l2cap.fixedChannel(FixedCid.smp);
  }
}
