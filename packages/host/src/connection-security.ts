/**
 * The security glue for one connection (Core 6.0 Vol 3 Part H; Vol 3 Part C 10.3). One smp-core
 * PairingSession serves the link for its whole life and owns everything SMP owns: pairings, the key the link
 * is encrypted with, the answer to the controller's LTK request, and which Encryption Change counts. This
 * class feeds it (SMP PDUs from L2CAP CID 6, the user's answers, HCI encryption events, the time) through the
 * link's one queue (session-queue.ts), whose actions pairing-actions.ts carries out, and keeps the link-security
 * record that GATT, L2CAP and applications read (security-report.ts). It holds no key of its own.
 *
 * A failed re-encryption from a bond is a BondLostError, never a silent re-pairing or a fall back to plaintext.
 */
import { type PairingConfig, type PairingSession, SmpOpcode } from '@tsble/smp-core';
import { HostError, PairingError } from './errors.js';
import type { PairingResult } from './link-security.js';
import { type ActionTarget, carryOut, pairingContext } from './pairing-actions.js';
import { SecurityReport } from './security-report.js';
import { type ConnectionSecurityOptions, linkSession, oobLayer, sessionConfig } from './session-config.js';
import { SessionQueue } from './session-queue.js';

const now = () => performance.now();

export class ConnectionSecurity {
  private readonly session: PairingSession;
  /** The link-security record, the events and the answers to waiting pair()/encrypt() calls. */
  readonly report: SecurityReport;
  private readonly queue: SessionQueue;
  private closed = false;

  constructor(private readonly o: ConnectionSecurityOptions) {
    this.report = new SecurityReport(o);
    this.session = linkSession(o, () => this.report.storedBond());
    this.queue = new SessionQueue(this.session, (action) => carryOut(action, target, this.session), o.logger);
    const target: ActionTarget = { ...o, report: this.report, queue: this.queue };
    o.smp.on('pdu', (pdu) => this.receivePdu(pdu));
  }

  /**
   * Pair now. Central: sends Pairing Request; peripheral: sends a Security Request and waits for the central.
   * Resolves with the result; rejects with PairingError (reason, byPeer, timedOut).
   */
  pair(config: Partial<PairingConfig> = {}): Promise<PairingResult> {
    if (this.closed) return Promise.reject(new HostError('not-connected', 'the connection is closed'));
    if (this.queue.dead)
      return Promise.reject(
        new PairingError(0x08, false, true, 'SMP timed out earlier on this link; reconnect to pair'),
      );
    const { result, first } = this.report.waitForPairing();
    // A pairing already under way (the peer started it, or a Security Request did) is the one to wait for.
    if (this.session.pairing || !first) return result;
    const idle = () => !this.session.pairing && !this.closed && !this.queue.dead;
    this.queue.enqueue(async () => {
      // Runs after the input already received: a Security Request in flight started a pairing of its own.
      if (!idle()) return [];
      const oob = this.o.askForOob ? await this.oobFromDelegate() : {};
      if (!idle()) return [];
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
    if (!this.report.storedBond()?.peerLtk)
      throw new HostError('invalid-argument', `no bond with ${this.o.peerIdentity()} to encrypt from`);
    if (this.report.current.encrypted) return;
    const { done, first } = this.report.waitForEncryption();
    // Encryption from the bond already asked for (by another GATT operation): wait for the same answer.
    if (first) this.queue.enqueue(() => this.session.encryptFromBond(now()));
    return done;
  }

  /**
   * HCI Encryption Change / Key Refresh for this link: the session decides whether it counts. The key size
   * the controller reports is not taken: the session knows the size of the key it asked for.
   */
  onEncryptionChange(status: number, enabled: boolean): void {
    this.queue.enqueue(
      () =>
        status === 0 && enabled
          ? this.session.encryptionChanged(now())
          : this.session.encryptionFailed(now(), status),
      true,
    );
  }

  /**
   * While an Encryption Change is being applied, when it will have been: the controller reports it before the
   * first data it protects (Vol 4 Part E 7.7.8), so the connection holds ACL data received after it until then,
   * or the GATT server would judge a request by the link's security of a moment before.
   */
  get encryptionSettling(): Promise<void> | undefined {
    return this.queue.settling;
  }

  /** HCI LE Long Term Key Request (peripheral): the session answers from the pairing or the bond. */
  onLtkRequest(rand: Uint8Array, ediv: number): void {
    this.queue.enqueue(() => this.session.ltkRequested(rand, ediv, now()));
  }

  /**
   * The link is gone: timers stop, what the session already had in hand is carried out first (a pairing that
   * completed before the disconnection is reported, and its keys saved, before it), then pending operations
   * fail. Resolves when that is done, so the disconnection can be told after it.
   */
  async close(error: Error): Promise<void> {
    this.closed = true;
    await this.queue.stop();
    this.report.rejectWaiting(error);
  }

  /** An SMP PDU from L2CAP. A PDU that starts a pairing waits for the application's OOB data, if it has any. */
  private receivePdu(pdu: Uint8Array): void {
    if (this.queue.dead) return;
    this.queue.enqueue(async () => {
      const startsPairing =
        this.o.askForOob &&
        !this.session.pairing &&
        (pdu[0] === SmpOpcode.pairingRequest || pdu[0] === SmpOpcode.securityRequest);
      const layers = startsPairing ? await this.oobFromDelegate() : {};
      return this.session.receive(pdu, now(), layers);
    });
  }

  /** The application's OOB data for a pairing about to start, as session configuration. */
  private async oobFromDelegate(): Promise<Partial<PairingConfig>> {
    const data = await Promise.resolve(this.o.delegate.oobData(pairingContext(this.o))).catch(
      () => undefined,
    );
    return oobLayer(data);
  }
}
