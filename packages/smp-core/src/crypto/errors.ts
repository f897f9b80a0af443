/**
 * Typed errors of the crypto toolbox. Each carries a `code` so callers branch on data, not on messages.
 */

/** An argument had the wrong type or length (a programming error in the caller, never peer input). */
export class CryptoArgumentError extends Error {
  readonly code = 'invalid-argument' as const;
  constructor(
    readonly argument: string,
    readonly expected: string,
    value: unknown,
  ) {
    const got =
      value instanceof Uint8Array
        ? `${value.length} octets`
        : typeof value === 'object'
          ? typeof value
          : String(value);
    super(`${argument} must be ${expected}, got ${got}`);
    this.name = 'CryptoArgumentError';
  }
}

/**
 * Why a peer's P-256 public key was refused. Accepting any of these lets an attacker learn the private key
 * or force a predictable DHKey (invalid-curve attacks; CVE-2018-5383 for the zeroed y coordinate).
 */
export type InvalidPublicKeyReason = 'off-curve' | 'coordinate-out-of-range' | 'infinity' | 'y-zero';

/** A peer public key that is not a valid point of P-256. Pairing must fail with DHKey Check Failed. */
export class InvalidPublicKeyError extends Error {
  readonly code = 'invalid-public-key' as const;
  constructor(readonly reason: InvalidPublicKeyReason) {
    super(`peer P-256 public key refused: ${reason}; the pairing must be aborted`);
    this.name = 'InvalidPublicKeyError';
  }
}

/** A private key that is zero or not below the group order n. */
export class InvalidPrivateKeyError extends Error {
  readonly code = 'invalid-private-key' as const;
  constructor() {
    super('P-256 private key must be 32 octets with a value in [1, n-1]');
    this.name = 'InvalidPrivateKeyError';
  }
}

/** The crypto provider (WebCrypto, node:crypto, noble) failed unexpectedly; `cause` holds its error. */
export class CryptoProviderError extends Error {
  readonly code = 'provider-failure' as const;
  constructor(
    readonly provider: string,
    readonly operation: string,
    cause: unknown,
  ) {
    super(`crypto provider '${provider}' failed in ${operation}: ${String(cause)}`, { cause });
    this.name = 'CryptoProviderError';
  }
}
