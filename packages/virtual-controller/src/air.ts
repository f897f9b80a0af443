import { AdvertisingReportType, AdvertisingType, equalBytes, HciStatus, toHex } from '@tsble/hci-transport';
import { VirtualController } from './controller.js';
import { Link, type LinkEnd } from './link.js';
import type { ControllerOptions } from './options.js';
import { VirtualControllerTransport } from './transport.js';

export interface AirOptions {
  /** How often advertisers are heard by scanners (ms). Default 20. */
  advertisingIntervalMs?: number;
  /** RSSI reported for every advertisement (dBm). Default -45. */
  rssi?: number;
}

/** A connection a central's host asked for with LE Create Connection. */
export interface ConnectionRequest {
  peerAddressType: number;
  peerAddress: Uint8Array;
  ownAddressType: number;
  connectionInterval: number;
  peripheralLatency: number;
  supervisionTimeout: number;
}

const connectable = new Set<number>([
  AdvertisingType.connectableUndirected,
  AdvertisingType.connectableDirectedHighDuty,
  AdvertisingType.connectableDirectedLowDuty,
]);

/**
 * The simulated air that virtual controllers share: advertisers are heard by scanners, initiators connect to
 * connectable advertisers, and links carry ACL data and encryption between their two controllers.
 */
export class VirtualAir {
  readonly controllers = new Set<VirtualController>();
  readonly links = new Set<Link>();
  readonly #pending = new Map<VirtualController, ConnectionRequest>();
  readonly #nextHandle = new Map<VirtualController, number>();
  readonly #intervalMs: number;
  readonly #rssi: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: AirOptions = {}) {
    this.#intervalMs = options.advertisingIntervalMs ?? 20;
    this.#rssi = options.rssi ?? -45;
  }

  /** Adds a controller to the air and returns its in-process H4 transport (use it as an HciTransport). */
  createController(options: ControllerOptions = {}): VirtualControllerTransport {
    return new VirtualControllerTransport(this.addController(options));
  }

  /** Adds a bare controller (for a socket server that moves its octets itself). */
  addController(options: ControllerOptions = {}): VirtualController {
    const controller = new VirtualController(this, options);
    this.controllers.add(controller);
    return controller;
  }

  /** Takes a controller off the air: its links drop (supervision timeout on the peer's side). */
  detach(controller: VirtualController): void {
    this.dropLinks(controller, HciStatus.connectionTimeout);
    this.#pending.delete(controller);
    this.controllers.delete(controller);
    this.update();
  }

  linkFor(controller: VirtualController, handle: number): Link | undefined {
    for (const link of this.links) {
      if (link.endOf(controller).controller === controller && link.handleOf(controller) === handle)
        return link;
    }
    return undefined;
  }

  /** Ends a link. `initiator` gets reason 0x16 (terminated by local host), the other side `reason`. */
  disconnect(link: Link, initiator: VirtualController | undefined, reason: number): void {
    if (!this.links.delete(link)) return;
    for (const end of [link.central, link.peripheral]) {
      end.controller.releaseLink(link);
      end.controller.sendEvent({
        kind: 'disconnection-complete',
        status: 0,
        connectionHandle: end.handle,
        reason: end.controller === initiator ? HciStatus.connectionTerminatedByLocalHost : reason,
      });
    }
  }

  /** Drops every link of a controller with `reason` on both sides (a lost connection). */
  dropLinks(controller: VirtualController, reason: number): void {
    for (const link of [...this.links]) {
      if (link.central.controller === controller || link.peripheral.controller === controller) {
        this.disconnect(link, undefined, reason);
      }
    }
  }

  /** Forgets a controller's links silently (HCI Reset: the host knows they are gone). */
  forgetLinks(controller: VirtualController): void {
    for (const link of [...this.links]) {
      if (link.central.controller !== controller && link.peripheral.controller !== controller) continue;
      this.links.delete(link);
      const peer = link.peerOf(controller);
      peer.controller.releaseLink(link);
      peer.controller.sendEvent({
        kind: 'disconnection-complete',
        status: 0,
        connectionHandle: peer.handle,
        reason: HciStatus.connectionTimeout,
      });
    }
    this.#pending.delete(controller);
  }

  requestConnection(central: VirtualController, request: ConnectionRequest): void {
    this.#pending.set(central, request);
    this.update();
  }

  /** Cancels a pending LE Create Connection; false when there was none. */
  cancelConnection(central: VirtualController): boolean {
    if (!this.#pending.delete(central)) return false;
    central.sendEvent(failedConnection(central, HciStatus.unknownConnectionIdentifier));
    return true;
  }

  isConnecting(central: VirtualController): boolean {
    return this.#pending.has(central);
  }

  /** Re-evaluates connections and the advertising timer after any advertising or scanning change. */
  update(): void {
    for (const [central, request] of this.#pending) {
      const peripheral = this.#findAdvertiser(central, request);
      if (peripheral) this.#connect(central, peripheral, request);
    }
    const needTimer =
      [...this.controllers].some((c) => c.state.scanning) &&
      [...this.controllers].some((c) => c.state.advertising);
    if (needTimer && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#advertise(), this.#intervalMs);
      this.#timer.unref();
      setImmediate(() => this.#advertise());
    } else if (!needTimer && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Stops timers and unplugs every controller. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const controller of [...this.controllers]) controller.unplug();
  }

  #findAdvertiser(central: VirtualController, request: ConnectionRequest): VirtualController | undefined {
    for (const c of this.controllers) {
      if (
        c === central ||
        !c.state.advertising ||
        !connectable.has(c.state.advertisingParameters.advertisingType)
      )
        continue;
      const own = c.state.ownAddress(c.state.advertisingParameters.ownAddressType);
      if (own && own.type === (request.peerAddressType & 1) && equalBytes(own.bytes, request.peerAddress))
        return c;
    }
    return undefined;
  }

  #connect(central: VirtualController, peripheral: VirtualController, request: ConnectionRequest): void {
    this.#pending.delete(central);
    peripheral.state.advertising = false;
    const centralOwn = central.state.ownAddress(request.ownAddressType) ?? {
      bytes: central.state.publicAddress,
      type: 0,
    };
    const peripheralOwn = peripheral.state.ownAddress(
      peripheral.state.advertisingParameters.ownAddressType,
    ) ?? {
      bytes: peripheral.state.publicAddress,
      type: 0,
    };
    const end = (controller: VirtualController, own: { bytes: Uint8Array; type: number }): LinkEnd => ({
      controller,
      handle: this.#allocateHandle(controller),
      address: own.bytes,
      addressType: own.type,
      maxTxOctets: 27,
    });
    const link = new Link(end(central, centralOwn), end(peripheral, peripheralOwn), request);
    this.links.add(link);
    for (const [me, role] of [
      [link.central, 0],
      [link.peripheral, 1],
    ] as const) {
      const peer = link.peerOf(me.controller);
      me.controller.sendEvent({
        kind: 'le-connection-complete',
        source: me.controller.state.wantsEnhancedConnectionComplete ? 'enhanced-v1' : 'legacy',
        status: 0,
        connectionHandle: me.handle,
        role,
        peerAddressType: peer.addressType,
        peerAddress: peer.address,
        localResolvablePrivateAddress: new Uint8Array(6),
        peerResolvablePrivateAddress: new Uint8Array(6),
        connectionInterval: link.connectionInterval,
        peripheralLatency: link.peripheralLatency,
        supervisionTimeout: link.supervisionTimeout,
        centralClockAccuracy: 0,
      });
    }
    this.#applySuggestedDataLength(link);
  }

  /**
   * A controller whose host wrote a Suggested Default Data Length above 27 starts the Data Length Update
   * procedure on a new link by itself, and both hosts learn the new lengths. Core 6.0 Vol 6 Part B 5.1.9.
   */
  #applySuggestedDataLength(link: Link): void {
    const central = link.central;
    const peripheral = link.peripheral;
    const wanted = (end: LinkEnd) => end.controller.state.suggestedMaxTxOctets;
    if (wanted(central) === 27 && wanted(peripheral) === 27) return;
    central.maxTxOctets = wanted(central);
    peripheral.maxTxOctets = wanted(peripheral);
    for (const [end, peer] of [
      [central, peripheral],
      [peripheral, central],
    ] as const) {
      end.controller.sendEvent({
        kind: 'le-data-length-change',
        connectionHandle: end.handle,
        maxTxOctets: end.maxTxOctets,
        maxTxTime: 328 + 8 * (end.maxTxOctets - 27),
        maxRxOctets: peer.maxTxOctets,
        maxRxTime: 328 + 8 * (peer.maxTxOctets - 27),
      });
    }
  }

  #allocateHandle(controller: VirtualController): number {
    const next = (this.#nextHandle.get(controller) ?? 0) + 1;
    this.#nextHandle.set(controller, next > 0x0eff ? 1 : next);
    return next;
  }

  #isAddressOf(controller: VirtualController, type: number, address: Uint8Array): boolean {
    const own = controller.state.ownAddress(type & 1);
    return own !== undefined && equalBytes(own.bytes, address);
  }

  #advertise(): void {
    for (const scanner of this.controllers) {
      if (!scanner.state.scanning) continue;
      for (const advertiser of this.controllers) {
        if (advertiser === scanner || !advertiser.state.advertising) continue;
        this.#report(scanner, advertiser);
      }
    }
  }

  #report(scanner: VirtualController, advertiser: VirtualController): void {
    const params = advertiser.state.advertisingParameters;
    const own = advertiser.state.ownAddress(params.ownAddressType);
    if (own === undefined) return;
    const eventType = reportTypeOf(params.advertisingType);
    const send = (type: number, data: Uint8Array) => {
      const key = `${toHex(own.bytes)}/${own.type}/${type}/${toHex(data)}`;
      if (scanner.state.filterDuplicates && scanner.state.reported.has(key)) return;
      scanner.state.reported.add(key);
      scanner.sendEvent({
        kind: 'le-advertising-report',
        reports: [{ eventType: type, addressType: own.type, address: own.bytes, data, rssi: this.#rssi }],
      });
    };
    const directed = eventType === AdvertisingReportType.advDirectInd;
    // Directed advertising is heard only by the device it names. Core 6.0 Vol 6 Part B 2.3.1.2.
    if (directed && !this.#isAddressOf(scanner, params.peerAddressType, params.peerAddress)) return;
    send(eventType, directed ? new Uint8Array(0) : advertiser.state.advertisingData);
    const scannable =
      eventType === AdvertisingReportType.advInd || eventType === AdvertisingReportType.advScanInd;
    if (scanner.state.activeScan && scannable)
      send(AdvertisingReportType.scanRsp, advertiser.state.scanResponseData);
  }
}

function reportTypeOf(advertisingType: number): number {
  switch (advertisingType) {
    case AdvertisingType.connectableDirectedHighDuty:
    case AdvertisingType.connectableDirectedLowDuty:
      return AdvertisingReportType.advDirectInd;
    case AdvertisingType.scannableUndirected:
      return AdvertisingReportType.advScanInd;
    case AdvertisingType.nonConnectableUndirected:
      return AdvertisingReportType.advNonconnInd;
    default:
      return AdvertisingReportType.advInd;
  }
}

/** The connection-complete event for a failed or cancelled LE Create Connection. */
export function failedConnection(central: VirtualController, status: number) {
  return {
    kind: 'le-connection-complete' as const,
    source: central.state.wantsEnhancedConnectionComplete ? ('enhanced-v1' as const) : ('legacy' as const),
    status,
    connectionHandle: 0,
    role: 0,
    peerAddressType: 0,
    peerAddress: new Uint8Array(6),
    localResolvablePrivateAddress: new Uint8Array(6),
    peerResolvablePrivateAddress: new Uint8Array(6),
    connectionInterval: 0,
    peripheralLatency: 0,
    supervisionTimeout: 0,
    centralClockAccuracy: 0,
  };
}
