/**
 * A fresh process runs the toolbox's AES-CMAC functions cold: their first calls are compiled and profiled
 * while a peer waits (about 1.5 ms for f4, f5, f6 and g2 together, then 0.3 ms). `warmUpToolbox` runs each
 * of them on throwaway values so a host can pay that before any pairing, off the critical path.
 */
import { c1, s1 } from './legacy.js';
import { ah } from './rpa.js';
import { f4, f5, f6, g2 } from './secure-connections.js';

/** Runs f4, f5, f6, g2, ah, c1 and s1 `rounds` times on fixed throwaway values; returns nothing of value. */
export function warmUpToolbox(rounds = 3): void {
  const u = new Uint8Array(32).fill(1);
  const n = new Uint8Array(16).fill(2);
  const a = new Uint8Array(7).fill(3);
  for (let round = 0; round < rounds; round++) {
    const { macKey } = f5(u, n, n, a, a);
    f6(macKey, n, n, n, a.subarray(0, 3), a, a);
    f4(u, u, n, 0);
    g2(u, u, n, n);
    ah(n, a.subarray(0, 3));
    c1(n, n, new Uint8Array(7), new Uint8Array(7), 0, a.subarray(0, 6), 0, a.subarray(0, 6));
    s1(n, n, n);
  }
}
