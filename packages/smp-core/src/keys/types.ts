/**
 * The keys a pairing produces and a bond keeps. Core 6.0 Vol 3 Part H 2.4 (keys), 3.6 (distribution) and
 * Vol 3 Part C 10.2.1 (LE security mode 1 levels). All multi-octet values are on-air order (LSO first).
 */

import type { Address } from '@tsble/base';

/**
 * A Long Term Key with the EDIV and Rand that identify it in an LE Long Term Key Request. Secure Connections
 * keys use EDIV = 0 and Rand = 0. `key` is already masked to the negotiated key size.
 */
export interface LongTermKey {
  key: Uint8Array;
  ediv: number;
  rand: Uint8Array;
}

/** LE security mode 1 levels (Vol 3 Part C 10.2.1): 1 none, 2 unauthenticated, 3 authenticated, 4 authenticated LE SC with a 128-bit key. */
export type SecurityLevel = 1 | 2 | 3 | 4;

/**
 * Everything one pairing established with one peer. `local*` keys are ours (distributed to the peer),
 * `peer*` keys are the peer's.
 */
export interface KeySet {
  /** Negotiated encryption key size in octets (7..16). */
  keySize: number;
  /** True when an MITM-protected method (Passkey Entry, Numeric Comparison, OOB) made the key. */
  authenticated: boolean;
  /** True for LE Secure Connections, false for legacy pairing. */
  sc: boolean;
  /**
   * The LTK to start encryption with when we are the central: the one the peer distributed (legacy), or the
   * LTK both sides derived (LE Secure Connections, EDIV = 0, Rand = 0).
   */
  peerLtk?: LongTermKey;
  /**
   * The LTK to answer the controller's LTK request with when we are the peripheral: the one we distributed
   * (legacy), or the derived LTK (LE Secure Connections; the same object as `peerLtk`).
   */
  localLtk?: LongTermKey;
  /** The peer's Identity Resolving Key and identity address (Identity Information + Identity Address Information). */
  peerIrk?: Uint8Array;
  peerIdentityAddress?: Address;
  /** The peer's Connection Signature Resolving Key (Signing Information). */
  peerCsrk?: Uint8Array;
  /** Our IRK, identity address and CSRK as distributed to the peer. */
  localIrk?: Uint8Array;
  localIdentityAddress?: Address;
  localCsrk?: Uint8Array;
  /** Cross-transport key derivation flags both sides agreed on (LinkKey bit, CT2); reported, not acted on. */
  linkKey: boolean;
  ct2: boolean;
}

/** A stored bond: the keys plus which peer address they were made with. */
export interface Bond extends KeySet {
  /** The address the peer used on the link where it paired (its identity address when it distributed one). */
  peerAddress: Address;
}
