import { EventCode, type HciEvent } from '@tsble/hci-transport';
import type { ResolvedOptions } from './options.js';
import { ResolvingList } from './resolving-list.js';

/** Defaults after power-on or Reset. Core 6.0 Vol 4 Part E 7.3.1 and 7.8.1. */
const defaultEventMask = 0x00001fffffffffffn;
const defaultLeEventMask = 0x1fn;

/** Event Mask bit per maskable event code. Core 6.0 Vol 4 Part E 7.3.1. */
const eventMaskBit = new Map<number, number>([
  [EventCode.disconnectionComplete, 4],
  [EventCode.encryptionChangeV1, 7],
  [EventCode.readRemoteVersionInformationComplete, 11],
  [EventCode.hardwareError, 15],
  [EventCode.dataBufferOverflow, 25],
  [EventCode.encryptionKeyRefreshComplete, 47],
  [EventCode.leMeta, 61],
]);

/** LE Event Mask bit per LE subevent. Core 6.0 Vol 4 Part E 7.8.1. */
const leEventMaskBit = new Map<string, number>([
  ['legacy', 0],
  ['le-advertising-report', 1],
  ['le-connection-update-complete', 2],
  ['le-read-remote-features-complete', 3],
  ['le-long-term-key-request', 4],
  ['le-data-length-change', 6],
  ['enhanced-v1', 9],
  ['le-phy-update-complete', 11],
]);

export interface AdvertisingParameters {
  advertisingType: number;
  ownAddressType: number;
  peerAddressType: number;
  peerAddress: Uint8Array;
  /** 0 any device; 1 scan requests, 2 connection requests, 3 both only from the Filter Accept List. */
  advertisingFilterPolicy: number;
}

/** The address a controller uses on the air, and whether it is a resolvable private address it made. */
export interface OwnAddress {
  bytes: Uint8Array;
  /** 0 public, 1 random (as on the air). */
  type: number;
  rpa: boolean;
}

/** A controller's configuration and mode, reset by HCI Reset. */
export class ControllerState {
  eventMask = defaultEventMask;
  eventMaskPage2 = 0n;
  leEventMask = defaultLeEventMask;
  /** LE Write Suggested Default Data Length: what new links start with. Core 6.0 Vol 4 Part E 7.8.35. */
  suggestedMaxTxOctets = 27;
  suggestedMaxTxTime = 328;
  defaultPhy = { allPhys: 0, txPhys: 1, rxPhys: 1 };
  randomAddress: Uint8Array | undefined;
  advertising = false;
  advertisingParameters: AdvertisingParameters = {
    advertisingType: 0,
    ownAddressType: 0,
    peerAddressType: 0,
    peerAddress: new Uint8Array(6),
    advertisingFilterPolicy: 0,
  };
  advertisingData: Uint8Array = new Uint8Array(0);
  scanResponseData: Uint8Array = new Uint8Array(0);
  scanning = false;
  activeScan = false;
  filterDuplicates = false;
  readonly reported = new Set<string>();
  readonly resolving = new ResolvingList();
  /** LE Set Scan Parameters' Scanning_Filter_Policy: bit 0 accept list only, bit 1 RPA-targeted directed too. */
  scanningFilterPolicy = 0;
  /** Identity addresses the filter policies accept. Core 6.0 Vol 6 Part B 4.3.1. */
  filterAcceptList: { addressType: number; address: Uint8Array }[] = [];
  /** LE Set Address Resolution Enable: peers' RPAs are resolved against the resolving list. */
  addressResolution = false;
  /** ACL buffers each handle holds. */
  readonly aclHeldPerHandle = new Map<number, number>();

  constructor(private readonly options: ResolvedOptions) {}

  /** The public address as the controller reports it: all zeros for the Zephyr personality. */
  get publicAddress(): Uint8Array {
    return this.options.zephyr ? new Uint8Array(6) : this.options.address;
  }

  reset(): void {
    this.eventMask = defaultEventMask;
    this.eventMaskPage2 = 0n;
    this.leEventMask = defaultLeEventMask;
    this.suggestedMaxTxOctets = 27;
    this.suggestedMaxTxTime = 328;
    this.defaultPhy = { allPhys: 0, txPhys: 1, rxPhys: 1 };
    this.randomAddress = undefined;
    this.advertising = false;
    this.advertisingData = new Uint8Array(0);
    this.scanResponseData = new Uint8Array(0);
    this.scanning = false;
    this.reported.clear();
    this.resolving.reset();
    this.filterAcceptList = [];
    this.scanningFilterPolicy = 0;
    this.addressResolution = false;
    this.aclHeldPerHandle.clear();
  }

  /**
   * The address an Own_Address_Type field selects: 0 public, 1 the random address (undefined until set), 2 and
   * 3 an RPA from the local IRK of the resolving-list entry for `peer` (the peer named in the command), or,
   * when there is no such entry or its local IRK is zero, the public (2) or random (3) address.
   * Core 6.0 Vol 4 Part E 7.8.5 and 7.8.12.
   */
  ownAddress(ownAddressType: number, peer?: { type: number; address: Uint8Array }): OwnAddress | undefined {
    if (ownAddressType >= 2 && peer !== undefined) {
      const entry = this.resolving.find(peer.type, peer.address);
      const rpa = entry && this.resolving.localRpa(entry);
      if (rpa) return { bytes: rpa, type: 1, rpa: true };
    }
    if (ownAddressType === 0 || ownAddressType === 2)
      return { bytes: this.publicAddress, type: 0, rpa: false };
    return this.randomAddress ? { bytes: this.randomAddress, type: 1, rpa: false } : undefined;
  }

  /** Where we advertise from: the advertising parameters' own address type, their peer naming the entry. */
  get advertisingAddress(): OwnAddress | undefined {
    const p = this.advertisingParameters;
    return this.ownAddress(p.ownAddressType, { type: p.peerAddressType, address: p.peerAddress });
  }

  /** Whether the Filter Accept List holds this address (an identity, after resolution). */
  inAcceptList(type: number, address: Uint8Array): boolean {
    return this.filterAcceptList.some(
      (e) =>
        e.addressType === type &&
        e.address.length === address.length &&
        e.address.every((b, i) => b === address[i]),
    );
  }

  /** Whether the Host's masks let this event through. */
  eventEnabled(event: HciEvent): boolean {
    const code = codeOf(event);
    const bit = eventMaskBit.get(code);
    if (bit !== undefined && ((this.eventMask >> BigInt(bit)) & 1n) === 0n) return false;
    if (code !== EventCode.leMeta) return true;
    const key =
      event.kind === 'le-connection-complete'
        ? event.source === 'legacy'
          ? 'legacy'
          : 'enhanced-v1'
        : event.kind;
    const leBit = leEventMaskBit.get(key);
    return leBit === undefined || ((this.leEventMask >> BigInt(leBit)) & 1n) === 1n;
  }

  /** Whether the host wants Enhanced Connection Complete (then the legacy event is not sent). */
  get wantsEnhancedConnectionComplete(): boolean {
    return ((this.leEventMask >> 9n) & 1n) === 1n;
  }
}

function codeOf(event: HciEvent): number {
  switch (event.kind) {
    case 'disconnection-complete':
      return EventCode.disconnectionComplete;
    case 'encryption-change':
      return event.version === 2 ? EventCode.encryptionChangeV2 : EventCode.encryptionChangeV1;
    case 'encryption-key-refresh-complete':
      return EventCode.encryptionKeyRefreshComplete;
    case 'read-remote-version-information-complete':
      return EventCode.readRemoteVersionInformationComplete;
    case 'hardware-error':
      return EventCode.hardwareError;
    case 'data-buffer-overflow':
      return EventCode.dataBufferOverflow;
    case 'le-connection-complete':
    case 'le-advertising-report':
    case 'le-connection-update-complete':
    case 'le-read-remote-features-complete':
    case 'le-long-term-key-request':
    case 'le-data-length-change':
    case 'le-phy-update-complete':
      return EventCode.leMeta;
    case 'other':
      return event.code;
    default:
      return 0;
  }
}
