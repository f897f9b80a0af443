/** Whether a value is all zeros (a zero IRK or key a peer sent), in time that does not depend on where it is not. */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}
