/**
 * Link security as the host reports it, and the requirement a protected resource (an SPSM here, an
 * attribute in ATT) places on it. The host owns the truth; layers only ask through a getter.
 */

/** The current security of the LE link. `keySize` is 0 while unencrypted. */
export interface LinkSecurity {
  encrypted: boolean;
  authenticated: boolean; // MITM-protected pairing produced the key
  sc: boolean; // LE Secure Connections produced the key
  keySize: number;
}

/** What a resource needs from the link; omitted fields need nothing. */
export interface SecurityRequirement {
  encrypted?: boolean;
  authenticated?: boolean;
  sc?: boolean;
  minKeySize?: number;
}

export const UNSECURED_LINK: LinkSecurity = Object.freeze({
  encrypted: false,
  authenticated: false,
  sc: false,
  keySize: 0,
});

/** What the link lacks, most fundamental first; undefined when the requirement is met. */
export type SecurityShortfall = 'encryption' | 'authentication' | 'key-size';

/**
 * Compares a link with a requirement. Needing authentication or Secure Connections implies needing
 * encryption, but the shortfall reported is "authentication" so the peer pairs with MITM protection
 * rather than just encrypting with a weaker existing key (Core 6.0 Vol 3 Part C 10.3.1).
 */
export function securityShortfall(
  requirement: SecurityRequirement,
  link: LinkSecurity,
): SecurityShortfall | undefined {
  const needsAuthentication = requirement.authenticated === true || requirement.sc === true;
  const needsEncryption =
    needsAuthentication || requirement.encrypted === true || (requirement.minKeySize ?? 0) > 0;
  if (
    needsAuthentication &&
    (!link.encrypted || !link.authenticated || (requirement.sc === true && !link.sc))
  ) {
    return 'authentication';
  }
  if (needsEncryption && !link.encrypted) return 'encryption';
  if (requirement.minKeySize !== undefined && link.keySize < requirement.minKeySize) return 'key-size';
  return undefined;
}
