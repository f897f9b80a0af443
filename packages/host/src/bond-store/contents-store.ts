/**
 * The logic every bond store shares: contents held in memory for synchronous reads, and changes applied as
 * small mutations. A mutation is applied to freshly read contents, so two processes sharing one file (a
 * `serve` and a `pair` in the same directory) add their own peers without dropping each other's.
 */

import { type BondFileContents, type BondRecord, EMPTY_CONTENTS, type LocalIdentity } from './bond-record.js';
import type { BondStore } from './bond-store.js';

export abstract class ContentsBondStore implements BondStore {
  abstract readonly location: string;
  private _contents: BondFileContents = EMPTY_CONTENTS;
  private _revision = 0;
  /** Changes run one after another: a write never races another write of the same store. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Reads the backing storage; rejects with a BondStoreError. */
  protected abstract read(): Promise<BondFileContents>;
  /** Makes `contents` durable; rejects with a BondStoreError. */
  protected abstract write(contents: BondFileContents): Promise<void>;

  /** Changes whenever the loaded contents change: lets caches (the RPA resolver's IRK list) know when to refresh. */
  get revision(): number {
    return this._revision;
  }

  protected get contents(): BondFileContents {
    return this._contents;
  }

  protected set contents(value: BondFileContents) {
    this._contents = value;
    this._revision += 1;
  }

  async load(): Promise<void> {
    this.contents = await this.serialise(() => this.read());
  }

  get(address: string): BondRecord | undefined {
    return this.contents.bonds[address];
  }

  list(): BondRecord[] {
    return Object.values(this.contents.bonds);
  }

  localIdentity(): LocalIdentity | undefined {
    return this.contents.local;
  }

  async put(record: Omit<BondRecord, 'createdAt' | 'updatedAt'>): Promise<BondRecord> {
    const now = new Date().toISOString();
    let stored: BondRecord | undefined;
    await this.mutate((current) => {
      const previous = current.bonds[record.address];
      stored = { ...record, createdAt: previous?.createdAt ?? now, updatedAt: now };
      return withBonds(current, { ...current.bonds, [record.address]: stored });
    });
    return stored as BondRecord;
  }

  async update(
    address: string,
    change: (current: BondRecord) => Omit<BondRecord, 'createdAt' | 'updatedAt'> | undefined,
  ): Promise<BondRecord | undefined> {
    let stored: BondRecord | undefined;
    await this.mutate((current) => {
      const previous = current.bonds[address];
      const next = previous === undefined ? undefined : change(previous);
      if (previous === undefined || next === undefined) return undefined;
      stored = { ...next, address, createdAt: previous.createdAt, updatedAt: new Date().toISOString() };
      return withBonds(current, { ...current.bonds, [address]: stored });
    });
    return stored;
  }

  async forget(address: string): Promise<boolean> {
    let found = false;
    await this.mutate((current) => {
      found = address in current.bonds;
      if (!found) return undefined;
      const { [address]: _removed, ...bonds } = current.bonds;
      return withBonds(current, bonds);
    });
    return found;
  }

  async forgetAll(): Promise<number> {
    let count = 0;
    await this.mutate((current) => {
      count = Object.keys(current.bonds).length;
      return count === 0 ? undefined : withBonds(current, {});
    });
    return count;
  }

  async setLocalIdentity(identity: LocalIdentity): Promise<void> {
    await this.mutate((current) => ({ version: current.version, local: identity, bonds: current.bonds }));
  }

  /** Applies `change` to fresh contents and writes the result; `undefined` means nothing changed. */
  protected mutate(change: (current: BondFileContents) => BondFileContents | undefined): Promise<void> {
    return this.serialise(async () => {
      const fresh = await this.read();
      const next = change(fresh);
      if (next !== undefined) await this.write(next);
      this.contents = next ?? fresh;
    });
  }

  /** Resolves once every change asked for so far has been written, or has failed. */
  settled(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  private serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * `current` with other bonds. Named fields, not `{ ...current, bonds }`: V8 builds spread-then-add literals
 * about 25 times slower, and BondFileContents has only these three fields.
 */
function withBonds(current: BondFileContents, bonds: BondFileContents['bonds']): BondFileContents {
  return current.local === undefined
    ? { version: current.version, bonds }
    : { version: current.version, local: current.local, bonds };
}
