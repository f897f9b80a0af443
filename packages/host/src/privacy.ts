/**
 * Privacy (Core 6.0 Vol 3 Part C 10.7; Vol 6 Part B 1.3.2.2): our own IRK, kept in the bond store so peers that
 * bonded with us can still resolve us after a restart; our resolvable private address, rotated on a timer
 * (15 minutes by default); and resolution of peers' RPAs against the IRKs they gave us when bonding, so a phone
 * that changes its address is still recognised.
 */
import { generateRpa, resolveRpaAmong } from '@tsble/smp-core';
import { type Address, formatAddress, isResolvablePrivateAddress } from './address.js';
import { fromHex, toHex } from './bond-store/bond-record.js';
import type { BondStore } from './bond-store/bond-store.js';
import { DEFAULT_RPA_ROTATION_MS } from './constants.js';

/** Our IRK from the store, or a fresh one saved there (random, 16 octets; Vol 3 Part H 2.4.2.1). */
export async function ensureLocalIrk(store: BondStore): Promise<Uint8Array> {
  const existing = store.localIdentity();
  if (existing) return fromHex(existing.irk);
  const irk = crypto.getRandomValues(new Uint8Array(16));
  await store.setLocalIdentity({ irk: toHex(irk) });
  return irk;
}

/**
 * Resolves peers' RPAs to the identity addresses they bonded with. The IRK arrays are kept between calls so
 * smp-core can keep each one's AES key schedule.
 */
export class PeerResolver {
  private cache = new Map<string, { hex: string; irk: Uint8Array }>();
  private list: { identity: string; irk: Uint8Array }[] = [];
  private listRevision: number | undefined;
  private irkArray: Uint8Array[] = [];
  private irkArrayFor: unknown;

  constructor(private readonly store: BondStore) {}

  /** The bonded identity behind `address`, or undefined when it is not an RPA of any bonded peer. */
  resolve(address: Address): string | undefined {
    if (!isResolvablePrivateAddress(address)) return undefined;
    const entries = this.irks();
    if (this.irkArrayFor !== entries) {
      this.irkArray = entries.map((e) => e.irk);
      this.irkArrayFor = entries;
    }
    const index = resolveRpaAmong(address.bytes, this.irkArray);
    return index < 0 ? undefined : entries[index]?.identity;
  }

  /** The canonical identity for any address: resolved for a bonded peer's RPA, else the address itself. */
  identityOf(address: Address): string {
    return this.resolve(address) ?? formatAddress(address);
  }

  private irks(): { identity: string; irk: Uint8Array }[] {
    const revision = this.store.revision;
    if (revision !== undefined && revision === this.listRevision) return this.list;
    this.list = this.collect();
    this.listRevision = revision;
    return this.list;
  }

  private collect(): { identity: string; irk: Uint8Array }[] {
    const out: { identity: string; irk: Uint8Array }[] = [];
    const seen = new Set<string>();
    for (const bond of this.store.list()) {
      if (bond.peerIrk === undefined) continue;
      seen.add(bond.address);
      let cached = this.cache.get(bond.address);
      if (cached?.hex !== bond.peerIrk) {
        cached = { hex: bond.peerIrk, irk: fromHex(bond.peerIrk) };
        this.cache.set(bond.address, cached);
      }
      out.push({ identity: bond.address, irk: cached.irk });
    }
    for (const address of this.cache.keys()) if (!seen.has(address)) this.cache.delete(address);
    return out;
  }
}

export interface RpaRotatorOptions {
  irk: Uint8Array;
  /** How long one RPA lives; default 15 minutes. */
  rotationMs?: number;
  /** Installs the new address in the controller (LE Set Random Address). */
  apply: (rpa: Uint8Array) => Promise<void>;
  /** Told when applying a fresh address failed; the old one stays in use. */
  onError?: (error: unknown) => void;
}

/** Generates our RPA now and again every `rotationMs`, applying each one through `apply`. */
export class RpaRotator {
  private timer: ReturnType<typeof setInterval> | undefined;
  private address: Uint8Array | undefined;

  constructor(private readonly options: RpaRotatorOptions) {}

  get current(): Uint8Array | undefined {
    return this.address;
  }

  async start(): Promise<Uint8Array> {
    const first = await this.rotate();
    const interval = this.options.rotationMs ?? DEFAULT_RPA_ROTATION_MS;
    this.timer = setInterval(() => {
      this.rotate().catch((error) => this.options.onError?.(error));
    }, interval);
    this.timer.unref?.();
    return first;
  }

  async rotate(): Promise<Uint8Array> {
    const rpa = generateRpa(this.options.irk);
    await this.options.apply(rpa);
    this.address = rpa;
    return rpa;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
