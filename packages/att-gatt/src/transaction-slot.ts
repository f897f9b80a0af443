/**
 * One direction's ATT transactions (Core 6.0 Vol 3 Part F 3.3.2-3.3.3): a queue of requests (or
 * indications) of which exactly one is outstanding, its 30-second timer, and matching the answer.
 */
import type { Logger } from '@tsble/base';
import type { Timers } from '@tsble/l2cap';
import { type AttOp, type AttPdu, opcodeOf } from './att-pdu.js';
import { AttError } from './errors.js';

interface Queued {
  pdu: AttPdu;
  responseOp: AttOp;
  resolve(pdu: AttPdu): void;
  reject(error: Error): void;
}

interface Outstanding extends Queued {
  timer: unknown;
}

export interface TransactionSlotOptions {
  send(pdu: AttPdu): void;
  onTimeout(op: AttOp): void;
  timers: Timers;
  timeoutMs: number;
  logger: Logger;
}

export class TransactionSlot {
  readonly #queue: Queued[] = [];
  #outstanding: Outstanding | undefined;

  constructor(private readonly options: TransactionSlotOptions) {}

  /** The response op the outstanding transaction waits for. */
  get awaiting(): AttOp | undefined {
    return this.#outstanding?.responseOp;
  }

  enqueue(pdu: AttPdu, responseOp: AttOp): Promise<AttPdu> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ pdu, responseOp, resolve, reject });
      this.#next();
    });
  }

  /** An answer from the peer: the expected response or an error response for our request. */
  answer(pdu: AttPdu): void {
    const outstanding = this.#outstanding;
    const { logger } = this.options;
    if (!outstanding) {
      logger.warn({ op: pdu.op }, 'unexpected ATT response dropped');
      return;
    }
    if (pdu.op === 'error-response') {
      if (pdu.requestOpcode !== opcodeOf(outstanding.pdu.op)) {
        logger.warn({ requestOpcode: pdu.requestOpcode }, 'error response for another request dropped');
        return;
      }
      this.fail(new AttError(pdu.errorCode, pdu.handle, pdu.requestOpcode));
      return;
    }
    if (pdu.op !== outstanding.responseOp) {
      logger.warn({ op: pdu.op, expected: outstanding.responseOp }, 'mismatched ATT response dropped');
      return;
    }
    this.#finish(outstanding).resolve(pdu);
  }

  /** Fails the outstanding transaction (malformed answer) and moves on to the next. */
  fail(error: Error): void {
    if (this.#outstanding) this.#finish(this.#outstanding).reject(error);
  }

  /** Fails everything, outstanding and queued (bearer death). */
  failAll(error: Error): void {
    const outstanding = this.#outstanding;
    this.#outstanding = undefined;
    if (outstanding) {
      this.options.timers.clearTimeout(outstanding.timer);
      outstanding.reject(error);
    }
    for (const queued of this.#queue.splice(0)) queued.reject(error);
  }

  #finish(outstanding: Outstanding): Outstanding {
    this.options.timers.clearTimeout(outstanding.timer);
    this.#outstanding = undefined;
    queueMicrotask(() => this.#next());
    return outstanding;
  }

  #next(): void {
    if (this.#outstanding) return;
    const next = this.#queue.shift();
    if (!next) return;
    const { timers, timeoutMs, onTimeout, send } = this.options;
    // Fields named, not spread: a literal that spreads an object and adds a field cost V8 about 1 us.
    this.#outstanding = {
      pdu: next.pdu,
      responseOp: next.responseOp,
      resolve: next.resolve,
      reject: next.reject,
      timer: timers.setTimeout(() => onTimeout(next.pdu.op), timeoutMs),
    };
    send(next.pdu);
  }
}
