/**
 * The pluggable bond store: a file (the default, `./ble_secrets.json`), memory, or anything else that
 * implements this interface. Reads are synchronous from the loaded contents; every change is a promise that
 * resolves once it is durable.
 */
import type { BondRecord, LocalIdentity } from './bond-record.js';

export type BondStoreErrorCode =
  /** The file exists but is not a bond file we can read; it was left untouched. */
  | 'corrupt'
  /** The file could not be read or written (permissions, disk full, ...). */
  | 'io'
  /**
   * Another process held the file's lock (`<file>.lock`) for longer than the store waits (5 s by default):
   * nothing was changed. A lock whose owner died is taken over by itself; this means the owner is alive.
   */
  | 'locked';

export class BondStoreError extends Error {
  override readonly name = 'BondStoreError';
  constructor(
    readonly code: BondStoreErrorCode,
    /** The file concerned, absolute. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface BondStore {
  /** Where the bonds live, for messages (a path, or "memory"). */
  readonly location: string;
  /** (Re)reads the backing storage: aioble's `load_secrets`. Rejects with a BondStoreError. */
  load(): Promise<void>;
  /** The bond for an identity address in its canonical text form, if any. */
  get(address: string): BondRecord | undefined;
  list(): BondRecord[];
  /** Stores or replaces one peer's bond (timestamps are set by the store). */
  put(record: Omit<BondRecord, 'createdAt' | 'updatedAt'>): Promise<BondRecord>;
  /** Removes one peer; resolves to whether it was there. */
  forget(address: string): Promise<boolean>;
  /** Removes every peer (our local identity stays); resolves to how many were removed. */
  forgetAll(): Promise<number>;
  /**
   * Changes one stored peer in place: `change` gets the record as it is in the storage now (another process
   * may have changed it since this one loaded it) and returns the fields to keep, or undefined to leave it.
   * Resolves to the stored record, or undefined when the peer is not bonded (any more): a CCCD or SignCounter
   * update never brings back a bond that was forgotten. Optional for other stores; see `updateBond`.
   */
  update?(
    address: string,
    change: (current: BondRecord) => Omit<BondRecord, 'createdAt' | 'updatedAt'> | undefined,
  ): Promise<BondRecord | undefined>;
  localIdentity(): LocalIdentity | undefined;
  /**
   * Optional: resolves once every change asked for so far has been written, or has failed. `Host.close` waits
   * for it, so a process that exits after closing never cuts a write short.
   */
  settled?(): Promise<void>;
  /** Optional: a number that changes whenever the contents change (caches use it to refresh). */
  readonly revision?: number;
  setLocalIdentity(identity: LocalIdentity): Promise<void>;
}
