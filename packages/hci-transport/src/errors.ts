import { hexNumber } from '@tsble/base';
import { opcodeName } from './constants.js';

/**
 * Every error this package surfaces is an `HciError` with a `code`, so callers can branch on the code
 * instead of parsing messages. Messages say what happened and what to do.
 */
export class HciError extends Error {
  constructor(
    readonly code: HciErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HciError';
  }
}

export type HciErrorCode =
  | 'command-failed'
  | 'command-timeout'
  | 'no-command-credit'
  | 'no-acl-buffers'
  | 'aborted'
  | 'no-controller'
  | 'transport-closed'
  | 'transport-error'
  | 'transport-not-found'
  | 'access-denied'
  | 'bad-transport-spec'
  | 'acl-disconnected'
  | 'acl-too-long'
  | 'controller-crashed'
  | 'hardware-error'
  | 'closed';

/** A command the controller answered with a non-zero status (Command Complete or Command Status). */
export class HciCommandError extends HciError {
  constructor(
    readonly opcode: number,
    readonly status: number,
  ) {
    super('command-failed', `HCI command ${opcodeName(opcode)} failed with status ${hexNumber(status)}`);
    this.name = 'HciCommandError';
  }
}

/** A command the controller did not answer in time. */
export class HciTimeoutError extends HciError {
  constructor(
    readonly opcode: number,
    readonly timeoutMs: number,
  ) {
    super(
      'command-timeout',
      `HCI command ${opcodeName(opcode)} got no Command Complete/Status within ${timeoutMs} ms`,
    );
    this.name = 'HciTimeoutError';
  }
}

/**
 * The controller granted no command credit (Num_HCI_Command_Packets 0) for `timeoutMs` while this command
 * waited to be sent: it is stuck. Linux takes the same state as a controller failure after 4 s
 * (HCI_NCMD_TIMEOUT) and resets it.
 */
export class HciCreditTimeoutError extends HciError {
  constructor(
    readonly opcode: number,
    readonly timeoutMs: number,
  ) {
    super(
      'no-command-credit',
      `HCI command ${opcodeName(opcode)} could not be sent: the controller granted no command credit ` +
        `(Num_HCI_Command_Packets 0) for ${timeoutMs} ms. The controller is stuck; reset or replug it`,
    );
    this.name = 'HciCreditTimeoutError';
  }
}

/**
 * Start-up or a command was given up because the caller's AbortSignal fired (Ctrl-C, SIGTERM). `name` is
 * 'AbortError', as for fetch and timers, so generic abort handling recognises it.
 */
export class HciAbortError extends HciError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('aborted', `${what} was cancelled`, options);
    this.name = 'AbortError';
  }
}

/** A transport failure: the port closed, could not be opened, or nothing answers on it. */
export class HciTransportError extends HciError {
  constructor(
    code: HciErrorCode,
    readonly transport: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'HciTransportError';
  }
}

/** A packet that could not be decoded; a value, never thrown. */
export interface DecodeError {
  kind: 'decode-error';
  reason: string;
}
