import { MAX_ENCRYPTION_KEY_SIZE } from '../constants.js';
import type { KeySet, LongTermKey, SecurityLevel } from './types.js';

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

/**
 * The key to answer a controller's LE Long Term Key Request with, when we are the peripheral of a bonded link:
 * the LTK we distributed if EDIV and Rand match it (legacy), or the LE SC LTK for EDIV = 0 and Rand = 0.
 * Undefined means "no key": the host answers with LE Long Term Key Request Negative Reply.
 */
export function ltkForRequest(
  keys: Pick<KeySet, 'localLtk' | 'sc'>,
  ediv: number,
  rand: Uint8Array,
): LongTermKey | undefined {
  const ltk = keys.localLtk;
  if (!ltk || ltk.ediv !== ediv || ltk.rand.length !== rand.length) return undefined;
  for (let i = 0; i < rand.length; i++) if (ltk.rand[i] !== rand[i]) return undefined;
  return ltk;
}
