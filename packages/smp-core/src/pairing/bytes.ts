/** Byte comparison for secrets and check values. */
export { equalBytes } from '../crypto/bytes.js';

export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}
