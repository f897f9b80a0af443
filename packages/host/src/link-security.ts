/** The security of one LE link as the host knows it: what the GATT server's gate and applications read. */
import type { SecurityLevel } from '@tsble/smp-core';

export interface LinkSecurityState {
  readonly encrypted: boolean;
  /** The key came from an MITM-protected pairing (Passkey Entry, Numeric Comparison, OOB). */
  readonly authenticated: boolean;
  /** The key came from LE Secure Connections. */
  readonly sc: boolean;
  /** Encryption key size in octets; 0 while unencrypted. */
  readonly keySize: number;
  /** LE security mode 1 level (Core 6.0 Vol 3 Part C 10.2.1): 1 open, 2 unauthenticated, 3 authenticated, 4 SC + 128 bit. */
  readonly securityLevel: SecurityLevel;
  /** We hold a bond for this peer. */
  readonly bonded: boolean;
}

export const OPEN_LINK: LinkSecurityState = Object.freeze({
  encrypted: false,
  authenticated: false,
  sc: false,
  keySize: 0,
  securityLevel: 1,
  bonded: false,
});

/** What the result of a pairing says, as `Connection.pair()` resolves it and the CLI's `paired` event reports it. */
export interface PairingResult {
  /** The association model; 'bond' when no pairing ran because the link was encrypted with a stored key. */
  readonly method: 'just-works' | 'numeric-comparison' | 'passkey-entry' | 'oob' | 'bond';
  readonly sc: boolean;
  readonly authenticated: boolean;
  readonly keySize: number;
  readonly bonded: boolean;
  readonly securityLevel: SecurityLevel;
  /** The LTK now in use, 16 octets least significant first (as HCI carries it). */
  readonly ltk?: Uint8Array;
}

/** The link's security after encrypting with a stored key. */
export function stateFromStoredKey(
  key: { authenticated: boolean; sc: boolean; keySize: number },
  keySizeFromController: number | undefined,
  securityLevel: SecurityLevel,
): LinkSecurityState {
  return {
    encrypted: true,
    authenticated: key.authenticated,
    sc: key.sc,
    keySize: keySizeFromController ?? key.keySize,
    securityLevel,
    bonded: true,
  };
}

/** The link's security and the result `pair()` resolves with, from the session's `complete` action. */
export function completion(
  action: {
    method: PairingResult['method'];
    sc: boolean;
    authenticated: boolean;
    keySize: number;
    bonded: boolean;
    securityLevel: SecurityLevel;
  },
  ltk: Uint8Array | undefined,
): { state: LinkSecurityState; result: PairingResult } {
  const { method, sc, authenticated, keySize, bonded, securityLevel } = action;
  return {
    state: { encrypted: true, authenticated, sc, keySize, securityLevel, bonded },
    result: { method, sc, authenticated, keySize, bonded, securityLevel, ...(ltk ? { ltk } : {}) },
  };
}
