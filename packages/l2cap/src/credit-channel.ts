/**
 * One LE credit-based connection-oriented channel (Core 6.0 Vol 3 Part A 3.4.3, 10.1): SDUs cut into
 * K-frames of at most the peer's MPS, one credit per K-frame each way, and the receive side's protocol
 * checks, each of which makes the spec's receiver "disconnect the channel".
 */
import { type Logger, putU16, TypedEmitter, u16 } from '@tsble/base';
import { BASIC_HEADER_LENGTH, LE_CREDIT_MAX_CREDITS, SDU_LENGTH_FIELD } from './constants.js';
import { L2capError } from './errors.js';

/** The negotiated parameters of both ends. */
export interface CreditChannelParameters {
  spsm: number;
  localCid: number;
  remoteCid: number;
  localMtu: number;
  localMps: number;
  /** Credits we gave the peer at connection time; we top the peer back up to this. */
  localInitialCredits: number;
  remoteMtu: number;
  remoteMps: number;
  remoteInitialCredits: number;
  /** When false the application returns credits itself with grantCredits (receive backpressure). */
  autoCredits: boolean;
}

/** What the channel needs from its L2CAP instance. */
export interface CreditChannelIo {
  transmit(frame: Uint8Array): Promise<void> | void;
  sendCredits(localCid: number, credits: number): void;
  requestDisconnection(channel: LeCreditChannel): Promise<void>;
  logger: Logger;
}

export type CreditChannelCloseReason = 'local' | 'remote' | 'protocol-violation' | 'link-closed';

export type CreditChannelEvents = {
  sdu: (sdu: Uint8Array) => void;
  close: (reason: CreditChannelCloseReason) => void;
};

interface PendingSdu {
  sdu: Uint8Array;
  offset: number;
  resolve: () => void;
  reject: (error: L2capError) => void;
}

export class LeCreditChannel extends TypedEmitter<CreditChannelEvents> {
  #txCredits: number;
  #rxCredits: number;
  #state: 'open' | 'closing' | 'closed' = 'open';
  readonly #queue: PendingSdu[] = [];
  #rxSdu: Uint8Array | undefined;
  #rxFill = 0;

  constructor(
    readonly parameters: Readonly<CreditChannelParameters>,
    private readonly io: CreditChannelIo,
  ) {
    super((error) =>
      io.logger.error({ err: error, cid: parameters.localCid }, 'credit channel listener threw'),
    );
    this.#txCredits = parameters.remoteInitialCredits;
    this.#rxCredits = parameters.localInitialCredits;
  }

  get state(): 'open' | 'closing' | 'closed' {
    return this.#state;
  }
  /** K-frames we may still send. */
  get txCredits(): number {
    return this.#txCredits;
  }
  /** K-frames the peer may still send us. */
  get rxCredits(): number {
    return this.#rxCredits;
  }
  /** SDUs queued waiting for credits. */
  get queuedSdus(): number {
    return this.#queue.length;
  }

  /** Queues an SDU; resolves once its last K-frame is handed to the link. */
  send(sdu: Uint8Array): Promise<void> {
    if (this.#state !== 'open') {
      return Promise.reject(new L2capError('disconnected', 'the channel is closed; connect again'));
    }
    if (sdu.length > this.parameters.remoteMtu) {
      return Promise.reject(
        new L2capError(
          'sdu-too-large',
          `SDU of ${sdu.length} octets exceeds the peer MTU ${this.parameters.remoteMtu}`,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ sdu, offset: -SDU_LENGTH_FIELD, resolve, reject });
      this.#pump();
    });
  }

  /** Sends a Disconnection Request and closes when answered (or on timeout). */
  async close(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'closing';
    await this.io.requestDisconnection(this);
    this.closed('local');
  }

  /**
   * Lets the peer send `credits` more K-frames (LE Flow Control Credit indication). With autoCredits
   * off this is how a slow consumer applies backpressure. Capped so the peer's count never passes 65535.
   */
  grantCredits(credits: number): void {
    const grant = Math.min(credits, LE_CREDIT_MAX_CREDITS - this.#rxCredits);
    if (this.#state !== 'open' || grant <= 0) return;
    this.#rxCredits += grant;
    this.io.sendCredits(this.parameters.localCid, grant);
  }

  /** Credits from an LE Flow Control Credit indication; false means overflow (caller disconnects). */
  addCredits(credits: number): boolean {
    if (this.#txCredits + credits > LE_CREDIT_MAX_CREDITS) return false;
    this.#txCredits += credits;
    this.#pump();
    return true;
  }

  /**
   * One received K-frame payload. Returns a violation description when the spec tells the receiver to
   * disconnect the channel (Core 6.0 Vol 3 Part A 3.4.3 and 10.1), otherwise undefined.
   */
  receiveKFrame(payload: Uint8Array): string | undefined {
    if (this.#state !== 'open') return undefined;
    if (this.#rxCredits === 0) return 'K-frame received while the peer had no credits';
    if (payload.length > this.parameters.localMps) return `K-frame of ${payload.length} exceeds our MPS`;
    this.#rxCredits -= 1;
    const violation = this.#rxSdu === undefined ? this.#startSdu(payload) : this.#continueSdu(payload);
    if (violation !== undefined) return violation;
    this.#returnCredits();
    return undefined;
  }

  /** Marks the channel closed, fails queued SDUs and tells listeners. Idempotent. */
  closed(reason: CreditChannelCloseReason): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#rxSdu = undefined;
    for (const pending of this.#queue.splice(0)) {
      pending.reject(new L2capError('disconnected', `channel closed (${reason}) before the SDU was sent`));
    }
    this.emit('close', reason);
  }

  #startSdu(payload: Uint8Array): string | undefined {
    if (payload.length < SDU_LENGTH_FIELD) return 'first K-frame too short for the SDU Length field';
    const sduLength = u16(payload, 0);
    if (sduLength > this.parameters.localMtu) return `SDU Length ${sduLength} exceeds our MTU`;
    const rest = payload.subarray(SDU_LENGTH_FIELD);
    if (rest.length > sduLength) return 'K-frame carries more than the SDU Length';
    if (rest.length === sduLength) {
      this.emit('sdu', rest.slice());
      return undefined;
    }
    this.#rxSdu = new Uint8Array(sduLength);
    this.#rxSdu.set(rest, 0);
    this.#rxFill = rest.length;
    return undefined;
  }

  #continueSdu(payload: Uint8Array): string | undefined {
    const sdu = this.#rxSdu as Uint8Array;
    if (this.#rxFill + payload.length > sdu.length) return 'K-frames carry more than the SDU Length';
    sdu.set(payload, this.#rxFill);
    this.#rxFill += payload.length;
    if (this.#rxFill === sdu.length) {
      this.#rxSdu = undefined;
      this.emit('sdu', sdu);
    }
    return undefined;
  }

  /** Tops the peer back up once it has used half its credits, so one indication covers many frames. */
  #returnCredits(): void {
    const initial = this.parameters.localInitialCredits;
    if (!this.parameters.autoCredits || this.#rxCredits > initial / 2) return;
    this.grantCredits(initial - this.#rxCredits);
  }

  #pump(): void {
    while (this.#txCredits > 0 && this.#state === 'open') {
      const pending = this.#queue[0];
      if (!pending) return;
      this.#txCredits -= 1;
      const done = this.#sendNextKFrame(pending);
      if (done === undefined) continue;
      this.#queue.shift();
      done.then(pending.resolve, () =>
        pending.reject(new L2capError('disconnected', 'the link refused the K-frame')),
      );
    }
  }

  /** Sends one K-frame of `pending`; returns the link's promise when it was the SDU's last. */
  #sendNextKFrame(pending: PendingSdu): Promise<void> | undefined {
    const { remoteMps, remoteCid } = this.parameters;
    const first = pending.offset < 0;
    const header = BASIC_HEADER_LENGTH + (first ? SDU_LENGTH_FIELD : 0);
    const start = first ? 0 : pending.offset;
    const chunk = Math.min(remoteMps - (first ? SDU_LENGTH_FIELD : 0), pending.sdu.length - start);
    const frame = new Uint8Array(header + chunk);
    putU16(frame, 0, frame.length - BASIC_HEADER_LENGTH);
    putU16(frame, 2, remoteCid);
    if (first) putU16(frame, BASIC_HEADER_LENGTH, pending.sdu.length);
    frame.set(pending.sdu.subarray(start, start + chunk), header);
    pending.offset = start + chunk;
    const sent = Promise.resolve(this.io.transmit(frame));
    if (pending.offset < pending.sdu.length) {
      sent.catch(() => {}); // a failed middle frame surfaces through the last one or the link closing
      return undefined;
    }
    return sent;
  }
}
