/**
 * Address resolution offloaded to the controller (Core 6.0 Vol 6 Part B 6.2; Vol 4 Part E 7.8.38-7.8.44,
 * 7.8.77): the bonded peers' IRKs go into the controller's resolving list, so the controller reports a bonded
 * peer's RPA as its identity (address types 2/3 in advertising reports and Enhanced Connection Complete) and
 * connects to a bonded peer by its identity whatever RPA it uses. The software resolver (PeerResolver) stays:
 * it resolves what the controller did not (a controller without LL Privacy, peers beyond the list's size, RPAs
 * seen before the list was written).
 */
import { fromHex, type Logger, parseAddress, toHex } from '@tsble/base';
import { type ControllerInfo, type Hci, HciCommandError, HciStatus } from '@tsble/hci-transport';
import type { BondStore } from './bond-store/bond-store.js';

/** LE feature bit 6, LL Privacy. Core 6.0 Vol 6 Part B 4.6. */
const llPrivacyFeature = 6;

/** Supported Commands bits the offload needs (octet, bit). Core 6.0 Vol 4 Part E 6.27. */
const neededCommands = {
  addDeviceToResolvingList: [34, 3],
  clearResolvingList: [34, 5],
  readResolvingListSize: [34, 6],
  setAddressResolutionEnable: [35, 1],
  // Device privacy mode keeps a bonded peer that advertises with its identity visible, as it is without the
  // offload; a controller without it (before 5.0) would drop such peers in network privacy mode.
  setPrivacyMode: [39, 2],
} as const;

const bit = (bytes: Uint8Array, octet: number, position: number) =>
  (((bytes[octet] ?? 0) >> position) & 1) === 1;

/** Whether the controller can keep a resolving list the way the offload uses it. */
export function controllerResolvesAddresses(info: ControllerInfo): boolean {
  if (!bit(info.leFeatures, llPrivacyFeature >> 3, llPrivacyFeature & 7)) return false;
  return Object.values(neededCommands).every(([octet, position]) =>
    bit(info.supportedCommands, octet, position),
  );
}

/** One resolving-list entry: a bonded peer's identity (HCI order) and its IRK. */
export interface PlannedEntry {
  identity: string;
  type: 0 | 1;
  address: Uint8Array;
  peerIrk: Uint8Array;
}

/**
 * The entries for the bonds in `store`: every bond with an IRK, the most recently updated first, at most
 * `size` (the rest stay with the software resolver).
 */
export function planResolvingList(store: BondStore, size: number): PlannedEntry[] {
  const entries: PlannedEntry[] = [];
  const bonds = store
    .list()
    .filter((bond) => bond.peerIrk !== undefined)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  for (const bond of bonds) {
    if (entries.length >= size) break;
    const parsed = parseAddress(bond.address);
    if (!parsed.ok || bond.peerIrk === undefined) continue;
    entries.push({
      identity: bond.address,
      type: parsed.value.type === 'public' ? 0 : 1,
      address: parsed.value.bytes,
      peerIrk: fromHex(bond.peerIrk),
    });
  }
  return entries;
}

export type SyncOutcome = 'written' | 'unchanged' | 'busy';

/**
 * Keeps the controller's resolving list equal to the bond store's peers. `sync()` writes it when the bonds'
 * identities or IRKs changed; the controller refuses list changes while it advertises, scans or connects with
 * resolution on (Command Disallowed), which comes back as 'busy': call again when idle.
 *
 * Nothing is sent until there is something to write: the list's size is read by the first sync that has a
 * bonded peer with an IRK, and a controller just reset (`controllerReset`) is known to hold an empty list
 * with resolution off, so a host with no such bonds sends no resolving-list command at all, and the first
 * write after a reset only adds the entries and turns resolution on. Resolution stays off while the list is
 * empty: with nothing to resolve it would change nothing.
 */
export class ControllerPeerResolution {
  /**
   * The list in the controller, as `signature` gives it: '' when it is empty with resolution off, undefined
   * when unknown (before a reset is known, or after a write that failed half-way).
   */
  #written: string | undefined;
  /** Resolving-list entries the controller has room for: read once, when first needed. */
  #size: number | undefined;

  private constructor(
    private readonly hci: Hci,
    private readonly store: BondStore,
    private readonly localIrk: Uint8Array,
    private readonly logger: Logger | undefined,
  ) {}

  /**
   * The offload for this controller, or undefined when it cannot keep a resolving list (no LL Privacy, or
   * without one of the commands it needs). Sends nothing: a controller whose list has room for no entry is
   * found out by the first sync, which then writes nothing.
   */
  static async open(
    hci: Hci,
    store: BondStore,
    localIrk: Uint8Array,
    logger?: Logger,
  ): Promise<ControllerPeerResolution | undefined> {
    if (!controllerResolvesAddresses(hci.info)) {
      logger?.info({}, 'the controller has no LL Privacy: peers are resolved by the host');
      return undefined;
    }
    return new ControllerPeerResolution(hci, store, localIrk, logger);
  }

  /**
   * The controller was reset (HCI Reset at start-up, or after a Hardware Error): its resolving list is empty
   * and address resolution is off (Core 6.0 Vol 4 Part E 7.3.2; 7.8.44, disabled by default), whatever was
   * written before. The next sync writes the bonds' entries again, and nothing when there are none.
   */
  controllerReset(): void {
    this.#written = '';
  }

  /** Identities now in the controller's list. */
  get identities(): string[] {
    return this.#written === undefined
      ? []
      : this.#written
          .split(',')
          .filter(Boolean)
          .map((e) => e.split('=')[0] ?? '');
  }

  async sync(): Promise<SyncOutcome> {
    try {
      const plan = await this.#plan();
      const signature = plan.map((e) => `${e.identity}=${toHex(e.peerIrk)}`).join(',');
      if (signature === this.#written) return 'unchanged';
      if (this.#written !== '') {
        // Resolution off while the list changes, so no report is resolved against a half-written list.
        await this.hci.execute('leSetAddressResolutionEnable', { addressResolutionEnable: 0 });
        this.#written = undefined;
        await this.hci.execute('leClearResolvingList', {});
        this.#written = '';
      }
      if (plan.length > 0) {
        this.#written = undefined;
        for (const entry of plan) {
          const identity = { peerIdentityAddressType: entry.type, peerIdentityAddress: entry.address };
          await this.hci.execute('leAddDeviceToResolvingList', {
            ...identity,
            peerIrk: entry.peerIrk,
            localIrk: this.localIrk,
          });
          await this.hci.execute('leSetPrivacyMode', { ...identity, privacyMode: 1 });
        }
        await this.hci.execute('leSetAddressResolutionEnable', { addressResolutionEnable: 1 });
      }
      this.#written = signature;
      this.logger?.info(
        { peers: plan.length },
        'resolving list written: the controller resolves bonded peers',
      );
      return 'written';
    } catch (error) {
      if (error instanceof HciCommandError && error.status === HciStatus.commandDisallowed) return 'busy';
      throw error;
    }
  }

  /** The entries to write; the list's size is read the first time a bond has an IRK to write. */
  async #plan(): Promise<PlannedEntry[]> {
    if (this.#size === undefined) {
      if (!this.store.list().some((bond) => bond.peerIrk !== undefined)) return [];
      this.#size = (await this.hci.execute('leReadResolvingListSize', {})).resolvingListSize;
    }
    return planResolvingList(this.store, this.#size);
  }
}
