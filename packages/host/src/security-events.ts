/** Security events of one connection, as `Connection` re-emits them to applications. */
import type { BondLostError, PairingError } from './errors.js';
import type { LinkSecurityState, PairingResult } from './link-security.js';
import type { PairingContext } from './pairing-delegate.js';

export type SecurityEventMap = {
  /** Any change of the link's security (encrypted, level, bonded). */
  security: (state: LinkSecurityState) => void;
  /** The link became encrypted (by pairing or from a bond). */
  encrypted: (state: LinkSecurityState) => void;
  pairingRequest: (context: PairingContext) => void;
  passkeyDisplay: (digits: string) => void;
  passkeyRequest: () => void;
  numericComparison: (digits: string) => void;
  paired: (result: PairingResult) => void;
  pairingFailed: (error: PairingError) => void;
  /** Keys were saved under this identity address. */
  bonded: (identity: string) => void;
  /** The keys just saved took the place of an earlier bond with this identity (a re-pairing). */
  bondReplaced: (identity: string) => void;
  /** Encryption with a stored key failed: the peer lost the bond. */
  bondLost: (error: BondLostError) => void;
  error: (error: Error) => void;
};

/** Where the security glue reports one connection's events: that connection's own (protected) emit, handed over. */
export interface SecurityEvents {
  emit<E extends keyof SecurityEventMap>(event: E, ...args: Parameters<SecurityEventMap[E]>): void;
}
