/** LE Secure Connections OOB data (Core 6.0 Vol 3 Part H 2.3.5.6.4): r random, C = f4(PKx, PKx, r, 0). */
import { f4, type P256KeyPair, p256GenerateKeyPair, randomBytes } from '../crypto/index.js';
import type { LocalScOobData } from './types.js';

/** Makes our OOB data; give `localSc` to our session and `{ random, confirm }` to the peer's. */
export async function generateScOobData(keyPair?: P256KeyPair): Promise<LocalScOobData> {
  const pair = keyPair ?? (await p256GenerateKeyPair());
  const random = randomBytes(16);
  return { keyPair: pair, random, confirm: f4(pair.publicKey.x, pair.publicKey.x, random, 0) };
}
