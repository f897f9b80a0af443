/**
 * The LE signaling channel (CID 0x0005, Core 6.0 Vol 3 Part A 4): matching responses to our requests
 * by Identifier with the RTX timeout, answering malformed or unknown commands with Command Reject, and
 * handing well-formed requests to the owner, whose answer goes back with the request's Identifier.
 */
import { type Logger, putU16 } from '@tsble/base';
import { CommandRejectReason, LE_SIGNALING_MTU } from './constants.js';
import { L2capError } from './errors.js';
import {
  decodeSignalingCommand,
  encodeSignalingCommand,
  type SignalingCommand,
  type SignalingOp,
} from './signaling-pdu.js';
import type { Timers } from './timers.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A command before it has an Identifier. */
export type SignalingBody = DistributiveOmit<SignalingCommand, 'identifier'>;

export type RequestOp =
  | 'disconnection-request'
  | 'connection-parameter-update-request'
  | 'le-credit-based-connection-request'
  | 'flow-control-credit-indication';

const REQUEST_OPS: ReadonlySet<SignalingOp> = new Set<SignalingOp>([
  'disconnection-request',
  'connection-parameter-update-request',
  'le-credit-based-connection-request',
  'flow-control-credit-indication',
]);

/**
 * Command Reject, Disconnection/Connection Parameter Update/LE Credit Based Connection Responses: never
 * answered with Command Reject, so two stacks cannot reject each other forever.
 */
const RESPONSE_CODES: ReadonlySet<number> = new Set([0x01, 0x07, 0x13, 0x15]);

export type SignalingRequest = Extract<SignalingCommand, { op: RequestOp }>;
/** An answer, a Command Reject body, or nothing (indications). */
export type SignalingReply = SignalingBody | undefined;

export interface LeSignalingOptions {
  transmit(payload: Uint8Array): void;
  onRequest(request: SignalingRequest): SignalingReply | Promise<SignalingReply>;
  logger: Logger;
  timers: Timers;
  rtxMs: number;
}

interface Outstanding {
  expect: SignalingOp;
  resolve(command: SignalingCommand): void;
  reject(error: L2capError): void;
  timer: unknown;
}

export class LeSignaling {
  #nextIdentifier = 1;
  readonly #outstanding = new Map<number, Outstanding>();
  #closed = false;

  constructor(private readonly options: LeSignalingOptions) {}

  /** Sends a request and resolves with its response; rejects on Command Reject, RTX timeout or close. */
  request<Op extends SignalingOp>(
    body: SignalingBody,
    expect: Op,
  ): Promise<Extract<SignalingCommand, { op: Op }>> {
    if (this.#closed) return Promise.reject(new L2capError('disconnected', 'the link is closed'));
    const identifier = this.#allocateIdentifier();
    return new Promise((resolve, reject) => {
      const timer = this.options.timers.setTimeout(() => {
        this.#outstanding.delete(identifier);
        reject(new L2capError('timeout', `no ${expect} within ${this.options.rtxMs} ms (RTX)`));
      }, this.options.rtxMs);
      this.#outstanding.set(identifier, {
        expect,
        resolve: resolve as (command: SignalingCommand) => void,
        reject,
        timer,
      });
      this.#send({ ...body, identifier } as SignalingCommand);
    });
  }

  /** Sends a command that expects no response (an indication). */
  indicate(body: SignalingBody): void {
    if (!this.#closed) this.#send({ ...body, identifier: this.#allocateIdentifier() } as SignalingCommand);
  }

  /** One C-frame from the peer. */
  receive(frame: Uint8Array): void {
    const { logger } = this.options;
    if (frame.length > LE_SIGNALING_MTU) {
      // Core 6.0 Vol 3 Part A 4.1: reject with our MTUsig as the data.
      const identifier = frame[1] ?? 0;
      logger.warn({ length: frame.length }, 'signaling C-frame exceeds MTUsig; rejected');
      const data = new Uint8Array(2);
      putU16(data, 0, LE_SIGNALING_MTU);
      if (identifier !== 0) this.#reject(identifier, CommandRejectReason.signalingMtuExceeded, data);
      return;
    }
    const decoded = decodeSignalingCommand(frame);
    if (!decoded.ok) {
      const { kind, code, identifier } = decoded.error;
      logger.warn({ error: kind, code, identifier }, 'malformed signaling command');
      if (identifier && code !== undefined && !RESPONSE_CODES.has(code)) {
        this.#reject(identifier, CommandRejectReason.commandNotUnderstood);
      }
      return;
    }
    const command = decoded.value;
    if (command.identifier === 0) {
      logger.warn({ op: command.op }, 'signaling command with Identifier 0 ignored (Core Vol 3 Part A 4)');
      return;
    }
    if (REQUEST_OPS.has(command.op)) this.#answer(command as SignalingRequest);
    else this.#settle(command);
  }

  /** Fails every outstanding request; later calls reject at once. */
  close(): void {
    this.#closed = true;
    for (const [identifier, outstanding] of this.#outstanding) {
      this.options.timers.clearTimeout(outstanding.timer);
      outstanding.reject(new L2capError('disconnected', 'the link closed before the response'));
      this.#outstanding.delete(identifier);
    }
  }

  #answer(request: SignalingRequest): void {
    const finish = (reply: SignalingReply): void => {
      if (reply !== undefined && !this.#closed)
        this.#send({ ...reply, identifier: request.identifier } as SignalingCommand);
    };
    let reply: SignalingReply | Promise<SignalingReply>;
    try {
      reply = this.options.onRequest(request);
    } catch (error) {
      this.options.logger.error({ err: error, op: request.op }, 'signaling request handler threw');
      return;
    }
    if (reply instanceof Promise) {
      reply.then(finish, (error: unknown) =>
        this.options.logger.error({ err: error, op: request.op }, 'signaling request handler failed'),
      );
    } else {
      finish(reply);
    }
  }

  #settle(command: SignalingCommand): void {
    const outstanding = this.#outstanding.get(command.identifier);
    if (!outstanding) {
      // Core 6.0 Vol 3 Part A 4: a response with an unexpected Identifier is silently discarded.
      this.options.logger.debug(
        { op: command.op, identifier: command.identifier },
        'unsolicited response dropped',
      );
      return;
    }
    if (command.op !== outstanding.expect && command.op !== 'command-reject') {
      this.options.logger.warn(
        { op: command.op, expected: outstanding.expect },
        'mismatched response dropped',
      );
      return;
    }
    this.#outstanding.delete(command.identifier);
    this.options.timers.clearTimeout(outstanding.timer);
    if (command.op === 'command-reject') {
      outstanding.reject(
        new L2capError(
          'command-rejected',
          `the peer rejected our ${outstanding.expect} request`,
          command.reason,
        ),
      );
    } else {
      outstanding.resolve(command);
    }
  }

  #reject(identifier: number, reason: number, data: Uint8Array = new Uint8Array(0)): void {
    this.#send({ op: 'command-reject', identifier, reason, data });
  }

  #send(command: SignalingCommand): void {
    this.options.logger.trace({ command }, 'signaling send');
    this.options.transmit(encodeSignalingCommand(command));
  }

  /** Identifiers 1-255, never 0 (Core 6.0 Vol 3 Part A 4), skipping ones still awaiting a response. */
  #allocateIdentifier(): number {
    for (let i = 0; i < 255; i++) {
      const identifier = this.#nextIdentifier;
      this.#nextIdentifier = identifier === 255 ? 1 : identifier + 1;
      if (!this.#outstanding.has(identifier)) return identifier;
    }
    return this.#nextIdentifier;
  }
}
