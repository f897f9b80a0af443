/**
 * What one link's security glue tells the application: the link-security record (set only from the session's
 * `link-encrypted` and `complete` actions; `bonded` is read from the store), the events, and the answers to
 * `pair()` and `encrypt()` calls waiting for an outcome. It holds no key.
 */
import { fromHex, type Logger } from '@tsble/base';
import type { PairingAction } from '@tsble/smp-core';
import type { BondRecord } from './bond-store/bond-record.js';
import type { BondStore } from './bond-store/bond-store.js';
import { type BondLostError, PairingError } from './errors.js';
import { type LinkSecurityState, OPEN_LINK, type PairingResult } from './link-security.js';
import type { SecurityEvents } from './security-events.js';

type Action<T extends PairingAction['type']> = Extract<PairingAction, { type: T }>;

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

export interface SecurityReportOptions {
  role: 'central' | 'peripheral';
  events: SecurityEvents;
  logger: Logger;
  bondStore: BondStore;
  /** The identity the peer's bond is stored under now. */
  peerIdentity: () => string;
}

export class SecurityReport {
  /** The link's encryption as the session reported it (`bonded` is read from the store). */
  private link: Omit<LinkSecurityState, 'bonded'> = OPEN_LINK;
  private pairingWaiters: Pending<PairingResult>[] = [];
  private encryptionWaiters: Pending<void>[] = [];
  /** The identity whose bond this pairing saved: dropped again if the peer rejects the keys afterwards. */
  private savedThisPairing: string | undefined;
  /** The identity the connection's logger was bound with (`peer`); it changes when pairing reveals the identity. */
  private readonly loggedPeer: string;

  constructor(private readonly o: SecurityReportOptions) {
    this.loggedPeer = o.peerIdentity();
  }

  get current(): LinkSecurityState {
    return { ...this.link, bonded: this.storedBond() !== undefined };
  }

  storedBond(): BondRecord | undefined {
    return this.o.bondStore.get(this.o.peerIdentity());
  }

  /** A `pair()` call's answer; `first` is true when no other call waits already. */
  waitForPairing(): { result: Promise<PairingResult>; first: boolean } {
    const result = new Promise<PairingResult>((resolve, reject) =>
      this.pairingWaiters.push({ resolve, reject }),
    );
    return { result, first: this.pairingWaiters.length === 1 };
  }

  /** An `encrypt()` call's answer; `first` is true when no other call waits already. */
  waitForEncryption(): { done: Promise<void>; first: boolean } {
    const done = new Promise<void>((resolve, reject) => this.encryptionWaiters.push({ resolve, reject }));
    return { done, first: this.encryptionWaiters.length === 1 };
  }

  /** Every waiting `pair()` and `encrypt()` fails with `error` (the link closed, options that cannot work). */
  rejectWaiting(error: Error, which: 'pairing' | 'all' = 'all'): void {
    for (const waiter of this.pairingWaiters.splice(0)) waiter.reject(error);
    if (which === 'all') this.settleEncryption(error);
  }

  linkEncrypted(action: Action<'link-encrypted'>): void {
    const { authenticated, sc, keySize, securityLevel } = action;
    this.link = { encrypted: true, authenticated, sc, keySize, securityLevel };
    if (action.source === 'bond')
      this.o.logger.info({ ...this.identityField(), securityLevel }, 'link encrypted from the bond');
    this.o.events.emit('encrypted', this.current);
    this.o.events.emit('security', this.current);
    if (action.source !== 'bond') return;
    this.settleEncryption();
    // A peripheral's pair() (Security Request) is answered just as well by a bonded central encrypting.
    const record = this.storedBond();
    const ltk = this.o.role === 'central' ? record?.peerLtk : record?.localLtk;
    const result: PairingResult = {
      method: 'bond',
      sc,
      authenticated,
      keySize,
      bonded: true,
      securityLevel,
      ...(ltk ? { ltk: fromHex(ltk.ltk) } : {}),
    };
    for (const waiter of this.pairingWaiters.splice(0)) waiter.resolve(result);
  }

  bondLost(error: BondLostError): void {
    this.link = OPEN_LINK;
    this.o.events.emit('bondLost', error);
    this.settleEncryption(error);
    this.o.events.emit('security', this.current);
  }

  bondSaved(identity: string): void {
    this.savedThisPairing = identity;
  }

  complete(action: Action<'complete'>): void {
    const { method, sc, authenticated, keySize, bonded, securityLevel } = action;
    this.link = { encrypted: true, authenticated, sc, keySize, securityLevel };
    const ltk = action.keys.peerLtk?.key ?? action.keys.localLtk?.key;
    const result: PairingResult = {
      method,
      sc,
      authenticated,
      keySize,
      bonded,
      securityLevel,
      ...(ltk ? { ltk } : {}),
    };
    this.o.logger.info({ ...this.identityField(), method, sc, securityLevel }, 'paired');
    this.o.events.emit('paired', result);
    this.o.events.emit('security', this.current);
    for (const waiter of this.pairingWaiters.splice(0)) waiter.resolve(result);
    this.settleEncryption();
  }

  failed(action: Action<'failed'>): void {
    // A peer's Pairing Failed after completion (e.g. Key Rejected) withdraws the keys just made.
    const withdrawn = action.byPeer ? this.savedThisPairing : undefined;
    this.savedThisPairing = undefined;
    if (withdrawn) {
      void this.o.bondStore
        .forget(withdrawn)
        .catch((error) => this.o.logger.warn({ err: error }, 'could not drop the rejected bond'));
    }
    const error = new PairingError(action.reason, action.byPeer, action.timedOut, action.message);
    // An expected event, reported to the application as pairingFailed: info, not warn (nothing to act on here).
    this.o.logger.info(
      { ...this.identityField(), reason: action.reason, byPeer: action.byPeer, timedOut: action.timedOut },
      'pairing failed',
    );
    this.o.logger.debug({ reason: action.reason, detail: action.message }, 'pairing failure detail');
    this.o.events.emit('pairingFailed', error);
    this.rejectWaiting(error);
  }

  /**
   * For log lines: the logger already carries `peer` (the identity at connection time); the identity is added
   * only once pairing revealed a different one (a resolvable private address's owner), never `peer` twice.
   */
  private identityField(): { identity?: string } {
    const identity = this.o.peerIdentity();
    return identity === this.loggedPeer ? {} : { identity };
  }

  private settleEncryption(error?: Error): void {
    for (const waiter of this.encryptionWaiters.splice(0)) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }
}
