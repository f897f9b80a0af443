import type { PairingFailedReason } from '../constants.js';

/**
 * An SMP protocol error: carries the Pairing Failed reason (Core 6.0 Vol 3 Part H 3.5.5) that the local
 * device answers with. Decoders return it as a value; the pairing engine turns it into a `failed` action.
 */
export class SmpError extends Error {
  constructor(
    /** The Pairing Failed reason code to send (or report). */
    readonly reason: PairingFailedReason,
    message: string,
    /** The opcode of the PDU at fault, when there is one. */
    readonly opcode?: number,
  ) {
    super(message);
    this.name = 'SmpError';
  }
}
