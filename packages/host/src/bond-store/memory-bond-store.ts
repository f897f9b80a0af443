/** A bond store that forgets everything when the process ends: tests, and applications that persist elsewhere. */
import type { BondFileContents } from './bond-record.js';
import { ContentsBondStore } from './contents-store.js';

export class MemoryBondStore extends ContentsBondStore {
  readonly location = 'memory';
  private saved: BondFileContents;

  constructor(initial?: BondFileContents) {
    super();
    this.saved = structuredClone(initial ?? { version: 1, bonds: {} });
    this.contents = structuredClone(this.saved);
  }

  protected async read(): Promise<BondFileContents> {
    return structuredClone(this.saved);
  }

  protected async write(contents: BondFileContents): Promise<void> {
    this.saved = structuredClone(contents);
  }
}
