/**
 * Privacy (Core 6.0 Vol 3 Part C 10.7; Vol 6 Part B 1.3.2.2): our own IRK, kept in the bond store so peers that
 * bonded with us can still resolve us after a restart; our resolvable private address, rotated on a timer
 * (15 minutes by default); and resolution of peers' RPAs against the IRKs they gave us when bonding, so a phone
 * that changes its address is still recognised.
 */
import { type Address, formatAddress, fromHex, isResolvablePrivateAddress, toHex } from '@tsble/base';
import { generateRpa, IrkSet } from '@tsble/smp-core';
import type { LocalIdentity } from './bond-store/bond-record.js';
import type { BondStore } from './bond-store/bond-store.js';
import { DEFAULT_RPA_ROTATION_MS } from './constants.js';
import { randomOctets } from './random-pool.js';

/** Our IRK from the store, or a fresh one saved there (random, 16 octets; Vol 3 Part H 2.4.2.1). */
export async function ensureLocalIrk(store: BondStore): Promise<Uint8Array> {
  const irk = localIrkOf(store);
  const toSave = localIdentityToSave(store, irk);
  if (toSave) await store.setLocalIdentity(toSave);
  return irk;
}

/** Our IRK from the store, or a fresh random one not saved yet (see localIdentityToSave). */
export function localIrkOf(store: BondStore): Uint8Array {
  const existing = store.localIdentity();
  return existing ? fromHex(existing.irk) : randomOctets(16);
}

/**
 * The local identity to write so that `irk` (and a generated static address) outlive this process, or
 * undefined when the store already holds them: Host.open saves both in one write.
 */
export function localIdentityToSave(
  store: BondStore,
  irk: Uint8Array,
  generatedAddress?: string,
): LocalIdentity | undefined {
  const existing = store.localIdentity();
  const irkHex = toHex(irk);
  const sameIrk = existing?.irk === irkHex;
  const sameAddress = generatedAddress === undefined || existing?.staticAddress === generatedAddress;
  if (sameIrk && sameAddress) return undefined;
  // Named fields, not spreads: V8 builds spread-then-add literals slowly (LocalIdentity has only these two).
  const staticAddress = generatedAddress ?? existing?.staticAddress;
  return staticAddress === undefined ? { irk: irkHex } : { irk: irkHex, staticAddress };
}

/** The bonded peers' IRKs, prepared for resolution, and whose bond each one is. */
interface PreparedIrks {
  identities: string[];
  /** `address=irk` of every entry, in order: tells whether a store without a revision changed. */
  signature: string;
  set: IrkSet;
}

/**
 * Resolves peers' RPAs to the identity addresses they bonded with. The IRKs are kept as an smp-core IrkSet
 * (each AES key schedule expanded once), rebuilt only when the bond store's IRKs change: per call, one AES
 * block per bonded IRK and nothing else. Stores with a `revision` are checked by that number alone; a store
 * without one is listed on every call (correct, but slower: implement `revision` in custom stores).
 */
export class PeerResolver {
  private prepared: PreparedIrks = { identities: [], signature: '', set: new IrkSet([]) };
  private preparedRevision: number | undefined;

  constructor(private readonly store: BondStore) {}

  /** The bonded identity behind `address`, or undefined when it is not an RPA of any bonded peer. */
  resolve(address: Address): string | undefined {
    if (!isResolvablePrivateAddress(address)) return undefined;
    const { identities, set } = this.irks();
    const index = set.resolve(address.bytes);
    return index < 0 ? undefined : identities[index];
  }

  /** The canonical identity for any address: resolved for a bonded peer's RPA, else the address itself. */
  identityOf(address: Address): string {
    return this.resolve(address) ?? formatAddress(address);
  }

  private irks(): PreparedIrks {
    const revision = this.store.revision;
    if (revision !== undefined && revision === this.preparedRevision) return this.prepared;
    const identities: string[] = [];
    const irks: string[] = [];
    for (const bond of this.store.list()) {
      if (bond.peerIrk === undefined) continue;
      identities.push(bond.address);
      irks.push(bond.peerIrk);
    }
    const signature = identities.map((identity, i) => `${identity}=${irks[i]}`).join(',');
    // Bonds change for many reasons (CCCDs, sign counters): the AES schedules are remade only for new IRKs.
    if (signature !== this.prepared.signature) {
      this.prepared = { identities, signature, set: new IrkSet(irks.map(fromHex)) };
    }
    this.preparedRevision = revision;
    return this.prepared;
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
