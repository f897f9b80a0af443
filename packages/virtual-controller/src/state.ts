import { EventCode, type HciEvent } from '@tsble/hci-transport';
import type { ResolvedOptions } from './options.js';

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
}

export interface ResolvingListEntry {
  peerIdentityAddressType: number;
  peerIdentityAddress: Uint8Array;
  peerIrk: Uint8Array;
  localIrk: Uint8Array;
  /** 0 network privacy (the default), 1 device privacy. Core 6.0 Vol 4 Part E 7.8.77. */
  privacyMode: number;
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
  };
  advertisingData: Uint8Array = new Uint8Array(0);
  scanResponseData: Uint8Array = new Uint8Array(0);
  scanning = false;
  activeScan = false;
  filterDuplicates = false;
  readonly reported = new Set<string>();
  resolvingList: ResolvingListEntry[] = [];
  /** Stored as the host gave it; the simulated air applies no filter policy. */
  filterAcceptList: { addressType: number; address: Uint8Array }[] = [];
  addressResolution = false;
  rpaTimeoutSeconds = 900;
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
    this.resolvingList = [];
    this.filterAcceptList = [];
    this.addressResolution = false;
    this.rpaTimeoutSeconds = 900;
    this.aclHeldPerHandle.clear();
  }

  /** The address an own-address-type field selects (0 public, 1 random; 2/3 fall back to them). */
  ownAddress(ownAddressType: number): { bytes: Uint8Array; type: number } | undefined {
    if (ownAddressType === 0 || ownAddressType === 2) return { bytes: this.publicAddress, type: 0 };
    return this.randomAddress ? { bytes: this.randomAddress, type: 1 } : undefined;
  }

  /** Whether the host's masks let this event through. */
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
