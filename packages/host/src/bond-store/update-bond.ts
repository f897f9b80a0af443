/**
 * A change to one stored peer (its CCCDs, a SignCounter) applied to the record as stored now, through the
 * store's `update` when it has one. A store without `update` gets a get-then-put, which a change made by
 * another process between the two can undo: that is what `update` exists to avoid.
 */
import type { BondRecord } from './bond-record.js';
import type { BondStore } from './bond-store.js';

export function updateBond(
  store: BondStore,
  address: string,
  change: (current: BondRecord) => Omit<BondRecord, 'createdAt' | 'updatedAt'> | undefined,
): Promise<BondRecord | undefined> {
  if (store.update) return store.update(address, change);
  const current = store.get(address);
  const next = current === undefined ? undefined : change(current);
  return next === undefined ? Promise.resolve(undefined) : store.put({ ...next, address });
}
