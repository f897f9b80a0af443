/**
 * The security glue for one connection (Core 6.0 Vol 3 Part H; Vol 3 Part C 10.3): SMP PDUs from L2CAP CID 6
 * go into a smp-core PairingSession and its actions are carried out here: PDUs sent, the pairing delegate
 * asked, encryption started (central) or the controller's LTK request answered (peripheral), keys saved. The
 * 30-second SMP timer lives here too, as ticks fed to the session. The order in which input reaches the
 * sessions, and which session a PDU is for, is session-input.ts's job.
 *
 * Re-encryption from a bond also lives here: a bonded central encrypts with the stored LTK without pairing; a
 * bonded peripheral answers the LTK request from the store and sends a negative reply when it has no key. A
 * failed re-encryption is a BondLostError, never a silent re-pairing or a fall back to plaintext.
 */
import type { Hci } from '@tsble/hci-transport';
import {
  type Bond,
  isAuthenticated,
  type PairingAction,
  type PairingConfig,
  type PairingMethod,
  PairingSession,
  type RepeatedAttemptsTracker,
  type SmpAddress,
  securityLevelOf,
} from '@tsble/smp-core';
import type { Logger } from 'pino';
import { formatAddress } from './address.js';
import { bondFromRecord, bondIdentity, recordFromBond, recordSecurityLevel } from './bond-store/bond-keys.js';
import { fromHex, type LtkRecord } from './bond-store/bond-record.js';
import type { BondStore } from './bond-store/bond-store.js';
import { BondLostError, HostError, PairingError } from './errors.js';
import { answerLtkRequest, enableEncryption, storedKeyFor } from './link-encryption.js';
import {
  completion,
  type LinkSecurityState,
  OPEN_LINK,
  type PairingResult,
  stateFromStoredKey,
} from './link-security.js';
import { type ActionTarget, carryOut } from './pairing-actions.js';
import type { PairingContext, PairingDelegate } from './pairing-delegate.js';
import type { SecurityEvents } from './security-events.js';
import { oobLayer, sessionConfig } from './session-config.js';
import { SessionInput } from './session-input.js';
import { SmpTimer } from './smp-timer.js';

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
  localAddress: SmpAddress;
  peerAddress: SmpAddress;
  /** The identity the peer's bond is stored under (resolved from an RPA when possible); may change after pairing. */
  peerIdentity: () => string;
  setPeerIdentity: (identity: string) => void;
  bondStore: BondStore;
  delegate: Required<PairingDelegate>;
  /** The application supplied its own acceptPairing: ask it before any key exchange. */
  askToAccept: boolean;
  /** The application supplied oobData: ask it when a pairing starts. */
  askForOob: boolean;
  /** Pairing configuration used when the peer starts pairing (and the base for `pair()`). */
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

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

export class ConnectionSecurity implements ActionTarget {
  private session: PairingSession | undefined;
  private state: LinkSecurityState = OPEN_LINK;
  private readonly timer = new SmpTimer(() => this.tick());
  private smpDead = false;
  private readyLtk: { key: Uint8Array; keySize: number } | undefined;
  /** Key we asked the controller to encrypt with from a bond (central), or answered from the store (peripheral). */
  private bondEncryption: { record: LtkRecord } | undefined;
  private pairingWaiters: Pending<PairingResult>[] = [];
  private encryptionWaiters: Pending<void>[] = [];
  private readonly input: SessionInput;
  private lastLtk: Uint8Array | undefined;
  private pendingKeySize: number | undefined;
  private closed = false;
  /** What the pairing's key will be worth, known once the association model is chosen. */
  private negotiatedKey: { authenticated: boolean; sc: boolean } | undefined;
  /** The identity whose bond this pairing saved: dropped again if the peer rejects the keys afterwards. */
  private savedThisPairing: string | undefined;
  /**
   * We asked for the next Encryption Change: sent LE Enable Encryption (central) or answered an LTK request
   * with a key (peripheral). A controller's report of an encryption nobody asked for changes nothing.
   */
  private encryptionAsked = false;

  /** The identity the connection's logger was bound with (`peer`); it changes when pairing reveals the identity. */
  private readonly loggedPeer: string;
  /**
   * A peripheral's pair() options while its Security Request waits for the central: the pairing the central
   * then starts (a new session for its Pairing Request) is made with them, not with the host's defaults.
   */
  private requestedConfig: Partial<PairingConfig> | undefined;

  constructor(private readonly o: ConnectionSecurityOptions) {
    this.loggedPeer = o.peerIdentity();
    this.input = new SessionInput({
      logger: o.logger,
      askForOob: o.askForOob,
      isDead: () => this.smpDead,
      currentSession: () => this.session,
      newSession: (...layers) => this.newSession(...layers),
      oobFromDelegate: () => this.oobFromDelegate(),
      carryOut: (action, session) => carryOut(action, this, session),
      // The session's state is known only now (it queues its inputs): the SMP timer runs from the Pairing
      // Request sent or received on (Vol 3 Part H 3.4).
      batchDone: (session) => {
        if (session === this.session && session.pairing && !this.closed) this.timer.start();
      },
    });
    o.smp.on('pdu', (pdu) => this.input.receivePdu(pdu));
    this.state = { ...OPEN_LINK, bonded: this.record() !== undefined };
  }

  get current(): LinkSecurityState {
    return this.state;
  }

  /**
   * For log lines: the logger already carries `peer` (the identity at connection time); the identity is added
   * only once pairing revealed a different one (a resolvable private address's owner), never `peer` twice.
   */
  private identityField(): { identity?: string } {
    const identity = this.o.peerIdentity();
    return identity === this.loggedPeer ? {} : { identity };
  }

  /** The pair() calls to answer now; what they asked for stops applying to later pairings. */
  private settlePairingWaiters(): Pending<PairingResult>[] {
    this.requestedConfig = undefined;
    return this.pairingWaiters.splice(0);
  }

  /** Whether the store holds a bond for this peer. */
  get hasBond(): boolean {
    return this.record() !== undefined;
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
    const result = new Promise<PairingResult>((resolve, reject) =>
      this.pairingWaiters.push({ resolve, reject }),
    );
    // A pairing already under way (the peer started it, or a Security Request did) is the one to wait for.
    if (this.session?.pairing || this.pairingWaiters.length > 1) return result;
    void (async () => {
      // Let SMP input already received take effect first: a Security Request in flight starts a pairing
      // of its own, which this call then joins.
      await this.input.settled();
      if (this.session?.pairing) return;
      const oob = await this.oobFromDelegate();
      // The application may have taken a while: the peer may have started a pairing meanwhile.
      await this.input.settled();
      if (this.session?.pairing || this.closed || this.smpDead) return;
      if (this.o.role === 'peripheral') this.requestedConfig = config;
      const session = this.newSession(oob, config);
      const now = performance.now();
      this.feed(this.o.role === 'central' ? session.start(now) : session.requestSecurity(now), session);
    })();
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
    const ltk = this.record()?.peerLtk;
    if (!ltk)
      throw new HostError('invalid-argument', `no bond with ${this.o.peerIdentity()} to encrypt from`);
    if (this.state.encrypted) return;
    const done = new Promise<void>((resolve, reject) => this.encryptionWaiters.push({ resolve, reject }));
    // Encryption from the bond already asked for (by another GATT operation): wait for the same answer.
    if (this.bondEncryption) return done;
    this.bondEncryption = { record: ltk };
    this.encryptionAsked = true;
    await enableEncryption(this.o.hci, this.o.handle, fromHex(ltk.ltk), ltk.ediv, fromHex(ltk.rand));
    return done;
  }

  /** HCI Encryption Change / Key Refresh for this link. */
  onEncryptionChange(status: number, enabled: boolean, keySizeFromController?: number): void {
    if (!this.encryptionAsked) {
      // Zephyr and NimBLE likewise ignore an Encryption Change they are not waiting for: believing it would
      // mark the link encrypted (and serve protected values) on nothing but the controller's word.
      this.o.logger.warn({ status, enabled }, 'Encryption Change that the host did not ask for: ignored');
      return;
    }
    this.encryptionAsked = false;
    const now = performance.now();
    const session = this.session;
    const pairingKey = session?.pairing === true && this.bondEncryption === undefined;
    if (status !== 0 || !enabled) {
      this.state = { ...this.state, encrypted: false, keySize: 0, securityLevel: 1 };
      if (pairingKey && session) {
        this.feed(session.encryptionFailed(now, status), session);
      } else if (this.bondEncryption) {
        this.bondEncryption = undefined;
        const error = new BondLostError(this.o.peerIdentity(), status);
        this.o.events.emit('bondLost', error);
        this.settleEncryption(error);
      }
      this.o.events.emit('security', this.state);
      return;
    }
    if (pairingKey && session) {
      // Encrypted now; how strong is known when the pairing completes (after key distribution).
      const keySize = this.readyLtk?.keySize ?? keySizeFromController ?? this.pendingKeySize ?? 16;
      // ATT requests may arrive during key distribution: the link is already as strong as the new key.
      const authenticated = this.negotiatedKey?.authenticated ?? false;
      const sc = this.negotiatedKey?.sc ?? false;
      this.state = {
        ...this.state,
        encrypted: true,
        authenticated,
        sc,
        keySize,
        securityLevel: securityLevelOf({ authenticated, sc, keySize }),
      };
      // Told now, as it happened: the pairing completes only after key distribution, on the encrypted link.
      this.o.events.emit('encrypted', this.state);
      this.o.events.emit('security', this.state);
      this.feed(session.encryptionChanged(now), session);
      return;
    }
    if (this.bondEncryption) {
      const record = this.bondEncryption.record;
      this.bondEncryption = undefined;
      this.state = stateFromStoredKey(record, keySizeFromController, recordSecurityLevel(record));
      this.lastLtk = fromHex(record.ltk);
      this.o.logger.info(
        { ...this.identityField(), level: this.state.securityLevel },
        'link encrypted from the bond',
      );
      this.o.events.emit('encrypted', this.state);
      this.o.events.emit('security', this.state);
      this.settleEncryption();
      // A peripheral's pair() (Security Request) is answered just as well by a bonded central encrypting.
      const { encrypted: _e, bonded, ...rest } = this.state;
      const result: PairingResult = { method: 'bond', ...rest, bonded, ltk: fromHex(record.ltk) };
      for (const waiter of this.settlePairingWaiters()) waiter.resolve(result);
    }
  }

  /** HCI LE Long Term Key Request (peripheral): answer from the pairing in progress or from the store. */
  async onLtkRequest(rand: Uint8Array, ediv: number): Promise<void> {
    const pairingKey = this.readyLtk && this.session?.pairing ? this.readyLtk.key : undefined;
    const stored = pairingKey ? undefined : storedKeyFor(this.record()?.localLtk, rand, ediv);
    if (stored) this.bondEncryption = { record: stored };
    this.encryptionAsked = pairingKey !== undefined || stored !== undefined;
    await answerLtkRequest(this.o.hci, this.o.handle, pairingKey, stored, this.o.logger);
  }

  /**
   * The link is gone: timers stop, what the session already had in hand is carried out first (a pairing that
   * completed before the disconnection is reported, and its keys saved, before it), then pending operations
   * fail. Resolves when that is done, so the disconnection can be told after it.
   */
  async close(error: Error): Promise<void> {
    this.closed = true;
    this.timer.stop();
    await boundedWait(this.input.actionsSettled(), CLOSE_DRAIN_LIMIT_MS);
    for (const waiter of this.settlePairingWaiters()) waiter.reject(error);
    this.settleEncryption(error);
  }

  /** The stored bond for this peer. */
  storedBond() {
    return this.o.bondStore.get(this.o.peerIdentity());
  }

  private record() {
    return this.storedBond();
  }

  /** A session for a new pairing; `layers` (OOB data, `pair()` options) go over the host's configuration. */
  private newSession(...layers: Partial<PairingConfig>[]): PairingSession {
    const record = this.record();
    const bond = record ? bondFromRecord(record) : undefined;
    this.readyLtk = undefined;
    this.savedThisPairing = undefined;
    this.negotiatedKey = undefined;
    this.session = new PairingSession({
      role: this.o.role,
      localAddress: this.o.localAddress,
      peerAddress: this.o.peerAddress,
      config: { ...sessionConfig(this.o.config, ...layers, this.requestedConfig ?? {}), askToAccept: true },
      ...(bond ? { bond } : {}),
      bondFor: (identity) => {
        const held = this.o.bondStore.get(formatAddress({ bytes: identity.address, type: identity.type }));
        return held ? bondFromRecord(held) : undefined;
      },
      repeatedAttempts: { tracker: this.o.tracker, peerKey: this.o.peerIdentity() },
      logger: this.o.logger,
    });
    return this.session;
  }

  /** The application's OOB data for a pairing about to start, as session configuration. */
  private async oobFromDelegate(): Promise<Partial<PairingConfig>> {
    if (!this.o.askForOob) return {};
    const data = await Promise.resolve(this.o.delegate.oobData(this.context())).catch(() => undefined);
    return oobLayer(data);
  }

  /** Carries out the actions an input to `session` returns, after those already queued (see SessionInput). */
  feed(actions: Promise<PairingAction[]>, session: PairingSession): void {
    this.input.feed(actions, session);
  }

  /** Feeds the time to a running pairing; false once there is none (the timer then stops). */
  private tick(): boolean {
    const session = this.session;
    if (!session?.pairing) return false;
    this.feed(session.tick(performance.now()), session);
    return true;
  }

  context(extra: Partial<PairingContext> = {}): PairingContext {
    return { peer: this.o.peerIdentity(), central: this.o.role === 'central', ...extra };
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

  sendPdu(pdu: Uint8Array): Promise<void> {
    return this.o.smp.send(pdu);
  }

  get askApplication(): boolean {
    return this.o.askToAccept;
  }

  negotiated(method: PairingMethod, sc: boolean): void {
    this.negotiatedKey = { authenticated: isAuthenticated(method), sc };
  }

  ltkReady(key: Uint8Array, keySize: number): void {
    this.readyLtk = { key, keySize };
  }

  /** @internal */
  async startEncryption(
    action: Extract<PairingAction, { type: 'start-encryption' }>,
    session: PairingSession,
  ): Promise<void> {
    if (!session.pairing) {
      // The session answered a Security Request from a bonded peer by encrypting with the stored key.
      const ltk = this.record()?.peerLtk;
      if (ltk) this.bondEncryption = { record: ltk };
    }
    this.lastLtk = action.key;
    this.pendingKeySize = action.keySize;
    this.encryptionAsked = true;
    await enableEncryption(this.o.hci, this.o.handle, action.key, action.ediv, action.rand).catch((error) => {
      this.o.logger.warn({ err: error }, 'LE Enable Encryption failed');
      this.onEncryptionChange(0x1f, false);
    });
  }

  /** @internal */
  async saveBond(bond: Bond, replaces: boolean): Promise<void> {
    // The record kept so far for the identity the keys belong to (the session has checked the claim).
    const previous = this.o.bondStore.get(bondIdentity(bond));
    const record = recordFromBond(bond, previous, this.o.peerAddress);
    if (record.address !== this.o.peerIdentity()) this.o.setPeerIdentity(record.address);
    try {
      await this.o.bondStore.put(record);
      this.savedThisPairing = record.address;
      if (replaces) {
        this.o.logger.info({ identity: record.address }, 'bond replaced by a new pairing');
        this.o.events.emit('bondReplaced', record.address);
      }
      this.o.events.emit('bonded', record.address);
    } catch (error) {
      this.o.logger.error({ err: error }, 'the bond could not be saved');
      this.o.events.emit('error', error as Error);
    }
  }

  /** @internal */
  complete(action: Extract<PairingAction, { type: 'complete' }>): void {
    this.timer.stop();
    const ltk = action.keys.peerLtk?.key ?? action.keys.localLtk?.key ?? this.readyLtk?.key ?? this.lastLtk;
    // smp-core's securityLevelOf applies the spec's rule (level 4 needs SC, MITM and a 128-bit key).
    const { state, result } = completion({ ...action, securityLevel: securityLevelOf(action) }, ltk);
    this.state = state;
    this.o.logger.info(
      { ...this.identityField(), method: action.method, sc: action.sc, level: action.securityLevel },
      'paired',
    );
    this.o.events.emit('paired', result);
    this.o.events.emit('security', this.state);
    for (const waiter of this.settlePairingWaiters()) waiter.resolve(result);
    this.settleEncryption();
  }

  /** @internal */
  fail(action: Extract<PairingAction, { type: 'failed' }>): void {
    this.timer.stop();
    if (action.timedOut) this.smpDead = true;
    // A peer's Pairing Failed after completion (e.g. Key Rejected) withdraws the keys just made.
    const withdrawn = action.byPeer ? this.savedThisPairing : undefined;
    if (withdrawn) {
      this.savedThisPairing = undefined;
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
    for (const waiter of this.settlePairingWaiters()) waiter.reject(error);
    this.settleEncryption(error);
  }

  private settleEncryption(error?: Error): void {
    for (const waiter of this.encryptionWaiters.splice(0)) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
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
