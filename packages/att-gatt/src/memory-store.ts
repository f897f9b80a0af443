import type { ClientConfigurationStore } from './server-connection.js';

/** A ClientConfigurationStore in memory (tests, and hosts without persistence). */
export class MemoryClientConfigurationStore implements ClientConfigurationStore {
  readonly #values = new Map<string, Record<number, number>>();

  load(peer: string): Record<number, number> | undefined {
    const saved = this.#values.get(peer);
    return saved && { ...saved };
  }

  save(peer: string, values: Record<number, number>): void {
    this.#values.set(peer, { ...values });
  }

  forget(peer: string): void {
    this.#values.delete(peer);
  }
}
