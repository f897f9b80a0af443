import { MAX_ENCRYPTION_KEY_SIZE } from '../constants.js';
import type { KeySet, SecurityLevel } from './types.js';

/**
 * The key masked to `keySize` octets: the most significant 16 - keySize octets are zero. Core 6.0 Vol 3
 * Part H 2.3.4 ("the key shall be masked to the appropriate size"). On air the key is LSO first, so the
 * masked octets are the last ones.
 */
export function maskKey(key: Uint8Array, keySize: number): Uint8Array {
  const masked = key.slice();
  masked.fill(0, Math.max(0, Math.min(keySize, masked.length)));
  return masked;
}

/** The security level (Vol 3 Part C 10.2.1) an encrypted link made with these keys has. */
export function securityLevelOf(keys: Pick<KeySet, 'authenticated' | 'sc' | 'keySize'>): SecurityLevel {
  if (!keys.authenticated) return 2;
  return keys.sc && keys.keySize === MAX_ENCRYPTION_KEY_SIZE ? 4 : 3;
}

/**
 * True when `candidate` is weaker than `existing` in any way: fewer key octets, no MITM protection where there
 * was, or legacy where there was Secure Connections. A new pairing must not silently replace a bond with a
 * weaker one (the BLURtooth class of attacks).
 */
export function isWeakerThan(
  candidate: Pick<KeySet, 'authenticated' | 'sc' | 'keySize'>,
  existing: Pick<KeySet, 'authenticated' | 'sc' | 'keySize'>,
): boolean {
  return (
    candidate.keySize < existing.keySize ||
    (existing.authenticated && !candidate.authenticated) ||
    (existing.sc && !candidate.sc)
  );
}
