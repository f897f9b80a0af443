import { equalBytes } from '@tsble/base';
import { generateRpa, isZeroIrk, resolvesWith } from './rpa.js';

/** One device in the resolving list. Core 6.0 Vol 4 Part E 7.8.38; Vol 6 Part B 6.2. */
export interface ResolvingListEntry {
  /** 0 public, 1 random (static): the peer's identity address. */
  peerIdentityAddressType: number;
  peerIdentityAddress: Uint8Array;
  /** All zeros: the peer uses its identity address only. */
  peerIrk: Uint8Array;
  /** All zeros: this controller uses its identity address towards that peer. */
  localIrk: Uint8Array;
  /** 0 network privacy (the default), 1 device privacy. Core 6.0 Vol 4 Part E 7.8.77. */
  privacyMode: number;
}

/** Entries the emulator holds, as LE Read Resolving List Size reports. */
export const resolvingListCapacity = 8;

/**
 * The controller's resolving list and the RPAs it makes from it: per entry a local RPA (from the local IRK,
 * used as our address towards that peer) and a peer RPA (from the peer IRK, used as the target of directed
 * advertising), both made anew every RPA timeout. Core 6.0 Vol 6 Part B 6.2 and 4.7.
 */
export class ResolvingList {
  #entries: ResolvingListEntry[] = [];
  readonly #localRpa = new Map<ResolvingListEntry, Uint8Array>();
  readonly #peerRpa = new Map<ResolvingListEntry, Uint8Array>();
  /** LE Set Resolvable Private Address Timeout, in seconds (default 900, 15 minutes). */
  #timeoutSeconds = 900;
  #timer: NodeJS.Timeout | undefined;

  get entries(): readonly ResolvingListEntry[] {
    return this.#entries;
  }

  get timeoutSeconds(): number {
    return this.#timeoutSeconds;
  }

  find(type: number, address: Uint8Array): ResolvingListEntry | undefined {
    return this.#entries.find(
      (e) => e.peerIdentityAddressType === (type & 1) && equalBytes(e.peerIdentityAddress, address),
    );
  }

  /** Adds an entry: 'exists' for an identity already listed, 'full' past the capacity. */
  add(entry: Omit<ResolvingListEntry, 'privacyMode'>): 'added' | 'exists' | 'full' {
    if (this.find(entry.peerIdentityAddressType, entry.peerIdentityAddress)) return 'exists';
    if (this.#entries.length >= resolvingListCapacity) return 'full';
    this.#entries.push({ ...entry, privacyMode: 0 });
    this.#restartTimer();
    return 'added';
  }

  remove(type: number, address: Uint8Array): boolean {
    const entry = this.find(type, address);
    if (entry === undefined) return false;
    this.#entries = this.#entries.filter((e) => e !== entry);
    this.#localRpa.delete(entry);
    this.#peerRpa.delete(entry);
    this.#restartTimer();
    return true;
  }

  clear(): void {
    this.#entries = [];
    this.#localRpa.clear();
    this.#peerRpa.clear();
    this.#restartTimer();
  }

  /** HCI Reset: empty, default timeout, no timer. */
  reset(): void {
    this.#timeoutSeconds = 900;
    this.clear();
  }

  setTimeout(seconds: number): void {
    this.#timeoutSeconds = seconds;
    this.#restartTimer();
  }

  /** The RPA we use towards `entry`'s peer, or undefined when its local IRK is zero. */
  localRpa(entry: ResolvingListEntry): Uint8Array | undefined {
    return this.#current(this.#localRpa, entry, entry.localIrk);
  }

  /** The RPA we address `entry`'s peer with (directed advertising), or undefined when its peer IRK is zero. */
  peerRpa(entry: ResolvingListEntry): Uint8Array | undefined {
    return this.#current(this.#peerRpa, entry, entry.peerIrk);
  }

  /** The entry whose peer IRK makes `address`, if any. */
  resolvePeer(address: Uint8Array): ResolvingListEntry | undefined {
    return this.#entries.find((e) => !isZeroIrk(e.peerIrk) && resolvesWith(address, e.peerIrk));
  }

  /** The entry whose local IRK makes `address` (a peer addressing us by one of our RPAs), if any. */
  resolveLocal(address: Uint8Array): ResolvingListEntry | undefined {
    return this.#entries.find((e) => !isZeroIrk(e.localIrk) && resolvesWith(address, e.localIrk));
  }

  /** New RPAs for every entry (the RPA timeout expired). */
  rotate(): void {
    this.#localRpa.clear();
    this.#peerRpa.clear();
  }

  /** Stops the RPA timer (the controller is gone). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #current(
    cache: Map<ResolvingListEntry, Uint8Array>,
    entry: ResolvingListEntry,
    irk: Uint8Array,
  ): Uint8Array | undefined {
    if (isZeroIrk(irk)) return undefined;
    let rpa = cache.get(entry);
    if (rpa === undefined) {
      rpa = generateRpa(irk);
      cache.set(entry, rpa);
    }
    return rpa;
  }

  #restartTimer(): void {
    this.stop();
    if (this.#entries.length === 0) return;
    this.#timer = setInterval(() => this.rotate(), this.#timeoutSeconds * 1000);
    this.#timer.unref();
  }
}
