/**
 * Robust Caching (Core 6.0 Vol 3 Part G 2.5.2.1) for one client that enabled it in Client Supported
 * Features: after the database changes the client is change-unaware; its commands are ignored and its
 * first request is answered Database Out Of Sync. It becomes change-aware again when it confirms a
 * Service Changed indication, or sends another request after reading the Database Hash or after
 * receiving that error. Reading the Database Hash by type is always served, so it can resynchronise.
 */
import type { AttRequest } from './att-transactions.js';
import { GattUuid } from './constants.js';

export class ChangeAwareness {
  #aware = true;
  #hashRead = false;
  #outOfSyncSent = false;

  /** `enabled` tells whether the client set the Robust Caching feature bit. */
  constructor(private readonly enabled: () => boolean) {}

  get changeAware(): boolean {
    return this.#aware || !this.enabled();
  }

  /** The database changed (again): the client must resynchronise. */
  databaseChanged(): void {
    if (!this.enabled()) return;
    this.#aware = false;
    this.#hashRead = false;
    this.#outOfSyncSent = false;
  }

  /** The client confirmed a Service Changed indication. */
  serviceChangedConfirmed(): void {
    this.#aware = true;
  }

  /** Commands from a change-unaware client are ignored. */
  admitCommand(): boolean {
    return this.changeAware;
  }

  /** True to serve the request; false to answer Database Out Of Sync. */
  admitRequest(request: AttRequest): boolean {
    if (this.changeAware) return true;
    if (request.op === 'read-by-type-request' && request.type === GattUuid.databaseHash) {
      this.#hashRead = true;
      return true;
    }
    if (this.#hashRead || this.#outOfSyncSent) {
      this.#aware = true;
      return true;
    }
    this.#outOfSyncSent = true;
    return false;
  }
}
