/**
 * The security glue for one connection (Core 6.0 Vol 3 Part H; Vol 3 Part C 10.3). One smp-core
 * PairingSession serves the link for its whole life and owns everything SMP owns: pairings, the key the link
 * is encrypted with, the answer to the controller's LTK request, and which Encryption Change counts. This
 * class feeds it (SMP PDUs from L2CAP CID 6, the user's answers, HCI encryption events, the time) through one
 * queue, carries out its actions in order (pairing-actions.ts), and keeps the link-security record that GATT,
 * L2CAP and applications read. It holds no key of its own.
 *
 * A failed re-encryption from a bond is a BondLostError, never a silent re-pairing or a fall back to plaintext.
 */
import { type Address, formatAddress, type Logger } from '@tsble/base';
import type { Hci } from '@tsble/hci-transport';
import {
  type PairingAction,
  type PairingConfig,
  PairingSession,
  type RepeatedAttemptsTracker,
  SmpOpcode,
} from '@tsble/smp-core';
import { bondFromRecord } from './bond-store/bond-keys.js';
import type { BondStore } from './bond-store/bond-store.js';
import { HostError, PairingError } from './errors.js';
import { keyPairPool } from './key-pair-pool.js';
import type { LinkSecurityState, PairingResult } from './link-security.js';
import { type ActionTarget, carryOut } from './pairing-actions.js';
import type { PairingContext, PairingDelegate } from './pairing-delegate.js';
import type { SecurityEvents } from './security-events.js';
import { SecurityReport } from './security-report.js';
import { oobLayer, sessionConfig } from './session-config.js';

/** The SMP channel as L2CAP gives it: whole PDUs both ways. */
export interface SmpChannel {
  send(pdu: Uint8Array): Promise<void>;
  on(event: 'pdu', listener: (pdu: Uint8Array) => void): unknown;
}

export interface ConnectionSecurityOptions {
  role: 'central' | 'peripheral';
  handle: number;
  hci: Hci;
  smp: SmpChannel;
  localAddress: Address;
  peerAddress: Address;
  /** The identity the peer's bond is stored under (resolved from an RPA when possible); may change after pairing. */
  peerIdentity: () => string;
  setPeerIdentity: (identity: string) => void;
  bondStore: BondStore;
  delegate: Required<PairingDelegate>;
  /** The application supplied its own acceptPairing: ask it before any key exchange. */
  askToAccept: boolean;
  /** The application supplied oobData: ask it when a pairing starts. */
  askForOob: boolean;
  /** Pairing configuration of the link's session (each `pair()` adds its options for that pairing). */
  config: Partial<PairingConfig>;
  tracker: RepeatedAttemptsTracker;
  logger: Logger;
  events: SecurityEvents;
}

/**
 * How long a closing link waits for actions in hand (a bond being saved, PDUs failing to send) before it
 * reports the disconnection anyway: a guard against a stuck controller command, not a timing the stack needs.
 */
const CLOSE_DRAIN_LIMIT_MS = 5000;

const now = () => performance.now();

export class ConnectionSecurity implements ActionTarget {
  private readonly session: PairingSession;
  /** The link-security record, the events and the answers to waiting pair()/encrypt() calls. */
  readonly report: SecurityReport;
  /** Inputs and their actions, strictly in order: one queue for PDUs, HCI events and user answers. */
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  /** The last Encryption Change input, until it has been applied (see `encryptionSettling`). */
  private encryptionApplied: Promise<void> | undefined;
  private deadlineTimer: ReturnType<typeof setInterval> | undefined;
  private smpDead = false;
  private closed = false;

  constructor(private readonly o: ConnectionSecurityOptions) {
    this.report = new SecurityReport({
      role: o.role,
      events: o.events,
      logger: o.logger,
      bondStore: o.bondStore,
      peerIdentity: o.peerIdentity,
    });
    this.session = new PairingSession({
      role: o.role,
      localAddress: o.localAddress,
      peerAddress: o.peerAddress,
      config: { ...sessionConfig(o.config), askToAccept: o.askToAccept },
      // Read from the store each time: a bond made, replaced or forgotten is seen at once.
      bond: () => {
        const record = this.storedBond();
        return record ? bondFromRecord(record) : undefined;
      },
      bondFor: (identity) => {
        const record = o.bondStore.get(formatAddress(identity));
        return record ? bondFromRecord(record) : undefined;
      },
      keyPairs: () => keyPairPool.take(),
      repeatedAttempts: { tracker: o.tracker, peerKey: o.peerIdentity() },
      logger: o.logger,
    });
    o.smp.on('pdu', (pdu) => this.receivePdu(pdu));
  }

  /** The link's security now. */
  get current(): LinkSecurityState {
    return this.report.current;
  }

  /** The stored bond for this peer. */
  storedBond() {
    return this.report.storedBond();
  }

  /**
   * Pair now. Central: sends Pairing Request; peripheral: sends a Security Request and waits for the central.
   * Resolves with the result; rejects with PairingError (reason, byPeer, timedOut).
   */
  pair(config: Partial<PairingConfig> = {}): Promise<PairingResult> {
    if (this.closed) return Promise.reject(new HostError('not-connected', 'the connection is closed'));
    if (this.smpDead)
      return Promise.reject(
        new PairingError(0x08, false, true, 'SMP timed out earlier on this link; reconnect to pair'),
      );
    const { result, first } = this.report.waitForPairing();
    // A pairing already under way (the peer started it, or a Security Request did) is the one to wait for.
    if (this.session.pairing || !first) return result;
    this.enqueue(async () => {
      // Runs after the input already received: a Security Request in flight started a pairing of its own.
      if (this.session.pairing || this.closed || this.smpDead) return [];
      const oob = this.o.askForOob ? await this.oobFromDelegate() : {};
      if (this.session.pairing || this.closed || this.smpDead) return [];
      const layers = sessionConfig(oob, config);
      try {
        return this.o.role === 'central'
          ? await this.session.start(now(), layers)
          : await this.session.requestSecurity(now(), layers);
      } catch (error) {
        // Options that cannot work (PairingConfigError): the pair() call fails, nothing reaches the air.
        this.report.rejectWaiting(error as Error, 'pairing');
        return [];
      }
    });
    return result;
  }

  /**
   * Central: encrypt the link with the stored LTK (no pairing). Rejects with BondLostError when the peer no
   * longer has the key, HostError('invalid-argument') when there is no bond.
   */
  async encryptFromBond(): Promise<void> {
    if (this.o.role !== 'central')
      throw new HostError(
        'invalid-argument',
        'only the central starts encryption; a peripheral may pair() to send a Security Request',
      );
    if (!this.storedBond()?.peerLtk)
      throw new HostError('invalid-argument', `no bond with ${this.o.peerIdentity()} to encrypt from`);
    if (this.report.current.encrypted) return;
    const { done, first } = this.report.waitForEncryption();
    // Encryption from the bond already asked for (by another GATT operation): wait for the same answer.
    if (first) this.enqueue(() => this.session.encryptFromBond(now()));
    return done;
  }

  /**
   * HCI Encryption Change / Key Refresh for this link: the session decides whether it counts. The key size
   * the controller reports is not taken: the session knows the size of the key it asked for.
   */
  onEncryptionChange(status: number, enabled: boolean, _keySizeFromController?: number): void {
    const applied = this.enqueue(() =>
      status === 0 && enabled
        ? this.session.encryptionChanged(now())
        : this.session.encryptionFailed(now(), status),
    );
    this.encryptionApplied = applied;
    void applied.then(() => {
      if (this.encryptionApplied === applied) this.encryptionApplied = undefined;
    });
  }

  /**
   * While an Encryption Change is being applied, when it will have been: the controller reports it before the
   * first data it protects (Vol 4 Part E 7.7.8), so the connection holds ACL data received after it until then,
   * or the GATT server would judge a request by the link's security of a moment before.
   */
  get encryptionSettling(): Promise<void> | undefined {
    return this.encryptionApplied;
  }

  /** HCI LE Long Term Key Request (peripheral): the session answers from the pairing or the bond. */
  onLtkRequest(rand: Uint8Array, ediv: number): void {
    this.enqueue(() => this.session.ltkRequested(rand, ediv, now()));
  }

  /**
   * The link is gone: timers stop, what the session already had in hand is carried out first (a pairing that
   * completed before the disconnection is reported, and its keys saved, before it), then pending operations
   * fail. Resolves when that is done, so the disconnection can be told after it.
   */
  async close(error: Error): Promise<void> {
    this.closed = true;
    this.stopDeadline();
    await boundedWait(this.drained(), CLOSE_DRAIN_LIMIT_MS);
    this.report.rejectWaiting(error);
  }

  /** An SMP PDU from L2CAP. A PDU that starts a pairing waits for the application's OOB data, if it has any. */
  private receivePdu(pdu: Uint8Array): void {
    if (this.smpDead) return;
    this.enqueue(async () => {
      const startsPairing =
        this.o.askForOob &&
        !this.session.pairing &&
        (pdu[0] === SmpOpcode.PairingRequest || pdu[0] === SmpOpcode.SecurityRequest);
      const layers = startsPairing ? await this.oobFromDelegate() : {};
      return this.session.receive(pdu, now(), layers);
    });
  }

  /** Runs `input` after everything before it, then carries out the actions it returns, in order. */
  private enqueue(input: () => Promise<PairingAction[]>): Promise<void> {
    this.pending += 1;
    this.queue = this.queue
      .then(async () => {
        if (this.smpDead) return;
        for (const action of await input()) await carryOut(action, this, this.session);
        this.armDeadline();
      })
      .catch((error) => this.o.logger.error({ err: error }, 'SMP input failed'))
      .finally(() => {
        this.pending -= 1;
      });
    return this.queue;
  }

  /** Resolves once every input queued so far has been taken in and its actions carried out. */
  private async drained(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }

  /** The session's next deadline (the 30 s SMP timer, Vol 3 Part H 3.4) as one timer, fired once. */
  private armDeadline(): void {
    this.stopDeadline();
    const deadline = this.session.deadline;
    if (deadline === undefined || this.closed) return;
    // An interval cleared on its first run: the one timer the conformance clock and tests advance.
    this.deadlineTimer = setInterval(
      () => {
        this.stopDeadline();
        this.enqueue(() => this.session.tick(now()));
      },
      Math.max(0, deadline - now()),
    );
    this.deadlineTimer.unref?.();
  }

  private stopDeadline(): void {
    if (this.deadlineTimer) clearInterval(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  /** The application's OOB data for a pairing about to start, as session configuration. */
  private async oobFromDelegate(): Promise<Partial<PairingConfig>> {
    const data = await Promise.resolve(this.o.delegate.oobData(this.context())).catch(() => undefined);
    return oobLayer(data);
  }

  // ActionTarget: what the pairing action handlers (pairing-actions.ts) call back into.

  get logger(): Logger {
    return this.o.logger;
  }
  get events(): SecurityEvents {
    return this.o.events;
  }
  get delegate(): Required<PairingDelegate> {
    return this.o.delegate;
  }
  get hci(): Hci {
    return this.o.hci;
  }
  get handle(): number {
    return this.o.handle;
  }
  get askApplication(): boolean {
    return this.o.askToAccept;
  }

  sendPdu(pdu: Uint8Array): Promise<void> {
    return this.o.smp.send(pdu);
  }

  feed(input: () => Promise<PairingAction[]>): void {
    this.enqueue(input);
  }

  context(extra: Partial<PairingContext> = {}): PairingContext {
    return { peer: this.o.peerIdentity(), central: this.o.role === 'central', ...extra };
  }

  failed(action: Extract<PairingAction, { type: 'failed' }>): void {
    // After an SMP timeout nothing more is accepted on the link (Vol 3 Part H 3.4).
    if (action.timedOut) {
      this.smpDead = true;
      this.stopDeadline();
    }
    this.report.failed(action);
  }

  setPeerIdentity(identity: string): void {
    if (identity !== this.o.peerIdentity()) this.o.setPeerIdentity(identity);
  }

  get bondStore(): BondStore {
    return this.o.bondStore;
  }

  get linkAddress(): Address {
    return this.o.peerAddress;
  }
}

/** `work`, or nothing once `limitMs` has passed. */
function boundedWait(work: Promise<void>, limitMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limitMs);
    timer.unref?.();
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
