/**
 * One client's configuration on our server: CCCD and Client Supported Features values by attribute
 * handle, kept across connections for bonded clients through the host's store (Core 6.0 Vol 3 Part G
 * 3.3.3.3 and 7.2). Beside them the record keeps, under key 0 (never an attribute handle, Core 6.0
 * Vol 3 Part F 3.2.2), a fingerprint of the database the client last saw, so a bonded client that
 * reconnects to a changed database gets Service Changed (Part G 7.1).
 */
import type { Logger } from '@tsble/base';
import type { GattDatabase } from './gatt-database.js';

/** Where bonded clients' CCCD / Client Supported Features values live between connections. */
export interface ClientConfigurationStore {
  load(peer: string): Record<number, number> | undefined | Promise<Record<number, number> | undefined>;
  save(peer: string, values: Record<number, number>): void | Promise<void>;
}

const FINGERPRINT_KEY = 0;

/** The first four octets of the Database Hash as a number. */
export function databaseFingerprint(hash: Uint8Array): number {
  return new DataView(hash.buffer, hash.byteOffset, 4).getUint32(0, true);
}

export class ClientConfiguration {
  readonly #values = new Map<number, number>();

  constructor(
    private readonly store: ClientConfigurationStore | undefined,
    private readonly logger: Logger,
  ) {}

  get(handle: number): number {
    return this.#values.get(handle) ?? 0;
  }

  set(handle: number, bits: number): void {
    if (bits === 0) this.#values.delete(handle);
    else this.#values.set(handle, bits);
  }

  /**
   * Restores a bonded client's values (only onto attributes that are still CCCDs or Client Supported
   * Features). Resolves true when the database changed since the client last saw it.
   */
  async load(peer: string, database: GattDatabase, fingerprint: number): Promise<boolean> {
    if (!this.store) return false;
    try {
      const saved = (await this.store.load(peer)) ?? {};
      for (const [key, bits] of Object.entries(saved)) {
        const attribute = database.get(Number(key));
        if (attribute && (attribute.kind === 'cccd' || attribute.kind === 'client-supported-features')) {
          this.#values.set(attribute.handle, bits);
        }
      }
      const seen = saved[FINGERPRINT_KEY];
      return seen !== undefined && seen !== fingerprint;
    } catch (error) {
      this.logger.error({ err: error, peer }, 'loading client configuration failed; starting clean');
      return false;
    }
  }

  async save(peer: string, fingerprint: number): Promise<void> {
    if (!this.store) return;
    try {
      await this.store.save(peer, { ...Object.fromEntries(this.#values), [FINGERPRINT_KEY]: fingerprint });
    } catch (error) {
      this.logger.error({ err: error, peer }, 'saving client configuration failed');
    }
  }
}
