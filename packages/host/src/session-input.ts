/**
 * The order in which SMP input reaches a connection's pairing sessions. PDUs and user answers go into a
 * smp-core PairingSession, which queues its inputs; the actions each input returns are carried out strictly
 * in order, against the session that produced them.
 *
 * Which session a PDU is for is decided on settled state: a Pairing Request or Security Request that arrives
 * while the session still has input in hand waits for it, since only then is it known whether that session is
 * pairing (the PDU is for it) or done (the PDU starts a new one). Everything else goes in at once, so SMP
 * stays in step with the HCI events (Encryption Change) that feed the same session.
 */
import { type PairingAction, type PairingConfig, type PairingSession, SmpOpcode } from '@tsble/smp-core';
import type { Logger } from 'pino';

/** What the ordering needs from the connection's security glue. */
export interface SessionInputOwner {
  readonly logger: Logger;
  /** The application supplied oobData: a new session waits for it. */
  readonly askForOob: boolean;
  /** No more SMP on this link (after an SMP timeout). */
  isDead(): boolean;
  currentSession(): PairingSession | undefined;
  newSession(...layers: Partial<PairingConfig>[]): PairingSession;
  oobFromDelegate(): Promise<Partial<PairingConfig>>;
  carryOut(action: PairingAction, session: PairingSession): Promise<void>;
  /** One input's actions have all been carried out: the session's state is current. */
  batchDone(session: PairingSession): void;
}

export class SessionInput {
  private actionChain: Promise<void> = Promise.resolve();
  /** Inputs fed to a session whose actions have not all been carried out yet. */
  private inputsPending = 0;
  private pduChain: Promise<void> = Promise.resolve();
  private pduBacklog = 0;

  constructor(private readonly owner: SessionInputOwner) {}

  /** A PDU from the SMP channel. PDUs that arrived before a disconnection are still handled. */
  receivePdu(pdu: Uint8Array): void {
    if (this.owner.isDead()) return;
    if (this.pduBacklog === 0 && this.decidableNow(pdu)) {
      this.receive(pdu, this.startsSession(pdu) ? this.owner.newSession() : this.owner.currentSession());
      return;
    }
    // Later PDUs queue behind this one, in order, while the decision waits.
    this.pduBacklog += 1;
    this.pduChain = this.pduChain
      .then(() => this.receiveWhenSettled(pdu))
      .catch((error) => this.owner.logger.error({ err: error }, 'SMP PDU handling failed'))
      .finally(() => {
        this.pduBacklog -= 1;
      });
  }

  /** Carries out the actions an input to `session` returns, strictly after the previous batch. */
  feed(actions: Promise<PairingAction[]>, session: PairingSession): void {
    this.inputsPending += 1;
    this.actionChain = this.actionChain
      .then(async () => {
        for (const action of await actions) await this.owner.carryOut(action, session);
        this.owner.batchDone(session);
      })
      .catch((error) => this.owner.logger.error({ err: error }, 'carrying out an SMP action failed'))
      .finally(() => {
        this.inputsPending -= 1;
      });
  }

  /** Resolves once every PDU received so far and every input fed so far have been taken in and carried out. */
  async settled(): Promise<void> {
    await this.pduChain;
    await this.actionsSettled();
  }

  /** Resolves once every input fed so far has been taken in and its actions carried out. */
  async actionsSettled(): Promise<void> {
    while (this.inputsPending > 0) await this.actionChain;
  }

  /** A PDU goes in at once unless it waits for the session's input in hand, or for OOB data for a new session. */
  private decidableNow(pdu: Uint8Array): boolean {
    if (this.inputsPending > 0 && startsPairing(pdu)) return false;
    return !(this.owner.askForOob && this.startsSession(pdu));
  }

  /** Runs on the PDU chain (earlier PDUs are in already): waits for the session's input in hand, then decides. */
  private async receiveWhenSettled(pdu: Uint8Array): Promise<void> {
    await this.actionsSettled();
    if (!this.startsSession(pdu)) return this.receive(pdu, this.owner.currentSession());
    const oob = await this.owner.oobFromDelegate();
    await this.actionsSettled();
    const starts = this.startsSession(pdu);
    this.receive(pdu, starts ? this.owner.newSession(oob) : this.owner.currentSession());
  }

  /** Judged on settled state: a Pairing Request or Security Request after a finished pairing starts afresh. */
  private startsSession(pdu: Uint8Array): boolean {
    const session = this.owner.currentSession();
    return !session || (!session.pairing && startsPairing(pdu));
  }

  private receive(pdu: Uint8Array, session: PairingSession | undefined): void {
    if (this.owner.isDead()) return;
    const target = session ?? this.owner.newSession();
    this.feed(target.receive(pdu, performance.now()), target);
  }
}

/** Pairing Request (0x01) or Security Request (0x0b): the PDUs that can begin a pairing (Vol 3 Part H 3.3). */
function startsPairing(pdu: Uint8Array): boolean {
  return pdu[0] === SmpOpcode.PairingRequest || pdu[0] === SmpOpcode.SecurityRequest;
}
