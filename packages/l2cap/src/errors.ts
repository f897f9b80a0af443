/** Why an L2CAP operation failed. */
export type L2capErrorCode =
  | 'connection-refused' // the peer answered an LE Credit Based Connection Request with a failure result
  | 'command-rejected' // the peer sent Command Reject for our request
  | 'timeout' // no response within RTX
  | 'disconnected' // the channel or link went away
  | 'sdu-too-large' // the SDU exceeds the peer's MTU
  | 'invalid-parameters' // the caller asked for something the spec forbids
  | 'no-resources'; // no free CID

/**
 * An L2CAP failure as a value: `code` says what happened; `result` carries the spec's result or reason
 * code when the peer sent one (Core 6.0 Vol 3 Part A 4.1, 4.23).
 */
export class L2capError extends Error {
  override readonly name = 'L2capError';
  constructor(
    readonly code: L2capErrorCode,
    message: string,
    readonly result?: number,
  ) {
    super(message);
  }
}
