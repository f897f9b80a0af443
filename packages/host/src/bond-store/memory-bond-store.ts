/** A bond store that forgets everything when the process ends: tests, and applications that persist elsewhere. */
import type { BondFileContents } from './bond-record.js';
import { ContentsBondStore } from './contents-store.js';
import { plainCopy } from './plain-copy.js';

export class MemoryBondStore extends ContentsBondStore {
  readonly location = 'memory';
  /** Our own copy: nothing a caller holds (its `initial`, a record it put, a record it got) reaches it. */
  private saved: BondFileContents;

  constructor(initial?: BondFileContents) {
    super();
    // A fresh literal needs no copy; the caller's contents do.
    this.saved = initial ? plainCopy(initial) : { version: 1, bonds: {} };
    this.contents = plainCopy(this.saved);
  }

  protected async read(): Promise<BondFileContents> {
    return plainCopy(this.saved);
  }

  protected async write(contents: BondFileContents): Promise<void> {
    this.saved = plainCopy(contents);
  }
}
