/**
 * Random octets from the platform CSPRNG, fetched a page at a time: each getRandomValues call costs a few
 * microseconds however small, which was ~4% of Host.open. Every octet is handed out once and never again.
 */
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let used = 0;

export function randomOctets(length: number): Uint8Array {
  if (length > POOL_SIZE) return crypto.getRandomValues(new Uint8Array(length));
  if (used + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    used = 0;
  }
  const octets = pool.slice(used, used + length);
  pool.fill(0, used, used + length); // not left in memory beside the key it became
  used += length;
  return octets;
}
