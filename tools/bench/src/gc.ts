/**
 * Garbage collection on demand, for memory figures: heap use means little until what is already garbage has
 * been collected. `npm run bench` runs node without --expose-gc, so the flag is switched on at run time
 * (V8 reads it when a new context is created) and the `gc` function taken from a fresh context.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

interface GlobalWithGc {
  gc?: () => void;
}

/** Makes `globalThis.gc` available (suites that call `globalThis.gc?.()` benefit too) and returns it. */
export function exposeGc(): () => void {
  const global = globalThis as unknown as GlobalWithGc;
  if (typeof global.gc === 'function') return global.gc;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  global.gc = gc;
  return gc;
}

/** Heap in use after a full collection, in MB (2^20 octets). */
export function heapUsedAfterGc(): number {
  const gc = exposeGc();
  // Two passes: the first may only queue finalizers and weak callbacks whose memory the second frees.
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}
