/**
 * The host's typed errors. Every promise the host API returns rejects with one of these (or a lower layer's
 * typed error it passes through: HciCommandError, AttError, BondStoreError), never with a bare Error.
 */
import { hexNumber } from '@tsble/base';
import type { PairingMethodName } from './pairing-delegate.js';

export type HostErrorCode =
  | 'not-connected'
  | 'connect-timeout'
  | 'connect-cancelled'
  | 'busy'
  | 'invalid-argument'
  | 'controller'
  | 'closed';

export class HostError extends Error {
  override readonly name = 'HostError';
  constructor(
    readonly code: HostErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Pairing failed: `reason` is the SMP Pairing Failed reason (Core 6.0 Vol 3 Part H 3.5.5). */
export class PairingError extends Error {
  override readonly name = 'PairingError';
  readonly code = 'pairing-failed' as const;
  constructor(
    readonly reason: number,
    /** True when the peer sent Pairing Failed, false when we did (or the SMP timer expired). */
    readonly byPeer: boolean,
    readonly timedOut: boolean,
    message: string,
    readonly method?: PairingMethodName,
  ) {
    super(message);
  }
}

/**
 * Encrypting with a stored key failed: the peer no longer has the bond (it was reset or forgot us). tsble
 * never falls back to plaintext or silently re-pairs: the application decides (forget and pair again).
 */
export class BondLostError extends Error {
  override readonly name = 'BondLostError';
  readonly code = 'bond-lost' as const;
  constructor(
    readonly peer: string,
    /** The HCI status the controller reported (0x06 PIN or Key Missing, typically). */
    readonly status: number,
  ) {
    super(
      `the peer ${peer} lost the bond: encryption with the stored key failed (HCI status ${hexNumber(status)}); ` +
        'forget the bond and pair again if this is expected',
    );
  }
}

export class DisconnectedError extends Error {
  override readonly name = 'DisconnectedError';
  readonly code = 'disconnected' as const;
  constructor(
    readonly reason: number,
    message = `the connection was lost (HCI reason ${hexNumber(reason)})`,
  ) {
    super(message);
  }
}
