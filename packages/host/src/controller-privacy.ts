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
 */
export class ControllerPeerResolution {
  #written: string | undefined;

  private constructor(
    private readonly hci: Hci,
    private readonly store: BondStore,
    private readonly localIrk: Uint8Array,
    private readonly size: number,
    private readonly logger: Logger | undefined,
  ) {}

  /** The offload for this controller, or undefined when it cannot keep a resolving list. */
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
    const { resolvingListSize } = await hci.execute('leReadResolvingListSize', {});
    if (resolvingListSize === 0) return undefined;
    return new ControllerPeerResolution(hci, store, localIrk, resolvingListSize, logger);
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
    const plan = planResolvingList(this.store, this.size);
    const signature = plan.map((e) => `${e.identity}=${toHex(e.peerIrk)}`).join(',');
    if (signature === this.#written) return 'unchanged';
    try {
      // Resolution off while the list changes, so no report is resolved against a half-written list.
      await this.hci.execute('leSetAddressResolutionEnable', { addressResolutionEnable: 0 });
      await this.hci.execute('leClearResolvingList', {});
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
    } catch (error) {
      if (error instanceof HciCommandError && error.status === HciStatus.commandDisallowed) return 'busy';
      throw error;
    }
    this.#written = signature;
    this.logger?.info({ peers: plan.length }, 'resolving list written: the controller resolves bonded peers');
    return 'written';
  }
}
