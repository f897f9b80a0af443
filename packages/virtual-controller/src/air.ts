import { toHex } from '@tsble/base';
import { AdvertisingReportType, AdvertisingType, HciStatus } from '@tsble/hci-transport';
import {
  directedTarget,
  type HeardAddress,
  hear,
  isAddressedTo,
  isRequestedPeer,
  localRpaField,
} from './addressing.js';
import { type LinkTiming, timingFromEnvironment } from './connection-events.js';
import { VirtualController } from './controller.js';
import { Link, type LinkEnd } from './link.js';
import type { ControllerOptions } from './options.js';
import type { OwnAddress } from './state.js';
import { VirtualControllerTransport } from './transport.js';

export interface AirOptions {
  /**
   * Timing of new links' connection events: undefined for instant (every PDU crosses at once), or a
   * LinkTiming (events every connection interval, a few PDUs each). Default: TSBLE_SIM_INTERVAL_MS, else instant.
   */
  timing?: LinkTiming;
  /** How often advertisers are heard by scanners (ms). Default 20. */
  advertisingIntervalMs?: number;
  /** RSSI reported for every advertisement (dBm). Default -45. */
  rssi?: number;
}

/** A central and the advertiser it connects to, with the addresses each uses and how each hears the other. */
interface Meeting {
  peripheral: VirtualController;
  advA: OwnAddress;
  initA: OwnAddress;
  /** The peripheral as the central hears it. */
  peripheralHeard: HeardAddress;
  /** The central as the peripheral hears it. */
  centralHeard: HeardAddress;
}

/** A connection a central's host asked for with LE Create Connection. */
export interface ConnectionRequest {
  peerAddressType: number;
  peerAddress: Uint8Array;
  ownAddressType: number;
  /** 1: connect to any advertiser in the Filter Accept List, the peer fields ignored. */
  initiatorFilterPolicy?: number;
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
  readonly #timing: LinkTiming | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: AirOptions = {}) {
    this.#intervalMs = options.advertisingIntervalMs ?? 20;
    this.#rssi = options.rssi ?? -45;
    this.#timing = 'timing' in options ? options.timing : timingFromEnvironment();
  }

  /** The timing new links get (undefined: instant). */
  get timing(): LinkTiming | undefined {
    return this.#timing;
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
    link.close();
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
      link.close();
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

  /** Whether `central` is initiating with its Filter Accept List (which then may not change). */
  isFilteringInitiator(central: VirtualController): boolean {
    return this.#pending.get(central)?.initiatorFilterPolicy === 1;
  }

  /** Re-evaluates connections and the advertising timer after any advertising or scanning change. */
  update(): void {
    for (const [central, request] of this.#pending) {
      const meeting = this.#findAdvertiser(central, request);
      if (meeting) this.#connect(central, meeting, request);
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

  /**
   * The connectable advertiser `request` names, as the central hears it (its resolving list applied), and as
   * the advertiser hears the central (it may ignore the CONNECT_IND: network privacy, or directed advertising
   * aimed at someone else).
   */
  #findAdvertiser(central: VirtualController, request: ConnectionRequest): Meeting | undefined {
    for (const c of this.controllers) {
      if (
        c === central ||
        !c.state.advertising ||
        !connectable.has(c.state.advertisingParameters.advertisingType)
      )
        continue;
      const advA = c.state.advertisingAddress;
      if (advA === undefined) continue;
      const peripheralHeard = hear(central, advA);
      if (peripheralHeard === undefined) continue;
      const { identity } = peripheralHeard;
      const wanted =
        request.initiatorFilterPolicy === 1
          ? central.state.inAcceptList(identity.type, identity.bytes)
          : isRequestedPeer(request, peripheralHeard, advA);
      if (!wanted) continue;
      const lookup = { type: identity.type, address: identity.bytes };
      const initA = central.state.ownAddress(request.ownAddressType, lookup);
      if (initA === undefined) continue;
      const centralHeard = hear(c, initA);
      if (centralHeard === undefined) continue;
      const directed =
        reportTypeOf(c.state.advertisingParameters.advertisingType) === AdvertisingReportType.advDirectInd;
      if (directed && !isAddressedTo(central, directedTarget(c))) continue;
      // Advertising filter policy 2/3: connection requests only from the list (not for directed advertising).
      const { identity: initiator } = centralHeard;
      const policy = c.state.advertisingParameters.advertisingFilterPolicy;
      if (!directed && policy >= 2 && !c.state.inAcceptList(initiator.type, initiator.bytes)) continue;
      return { peripheral: c, advA, initA, peripheralHeard, centralHeard };
    }
    return undefined;
  }

  #connect(central: VirtualController, meeting: Meeting, request: ConnectionRequest): void {
    const { peripheral, advA, initA } = meeting;
    this.#pending.delete(central);
    peripheral.state.advertising = false;
    const end = (controller: VirtualController, own: OwnAddress): LinkEnd => ({
      controller,
      handle: this.#allocateHandle(controller),
      address: own.bytes,
      addressType: own.type,
      maxTxOctets: 27,
    });
    const link = new Link(end(central, initA), end(peripheral, advA), request, this.#timing);
    this.links.add(link);
    for (const [me, own, heard, role] of [
      [link.central, initA, meeting.peripheralHeard, 0],
      [link.peripheral, advA, meeting.centralHeard, 1],
    ] as const) {
      const enhanced = me.controller.state.wantsEnhancedConnectionComplete;
      me.controller.sendEvent({
        kind: 'le-connection-complete',
        source: enhanced ? 'enhanced-v1' : 'legacy',
        status: 0,
        connectionHandle: me.handle,
        role,
        // The legacy event has only types 0/1: a resolved peer appears by its identity. 7.7.65.1.
        peerAddressType: enhanced ? heard.reportedType : heard.reportedType & 1,
        peerAddress: heard.reportedAddress,
        localResolvablePrivateAddress: localRpaField(own),
        peerResolvablePrivateAddress: heard.resolvedRpa,
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

  /** The next Connection_Handle, within 0x0001-0x0EFF (Core 6.0 Vol 4 Part E 5.4.2): wraps after 0x0EFF. */
  #allocateHandle(controller: VirtualController): number {
    const previous = this.#nextHandle.get(controller) ?? 0;
    const next = previous >= 0x0eff ? 1 : previous + 1;
    this.#nextHandle.set(controller, next);
    return next;
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
    const advA = advertiser.state.advertisingAddress;
    if (advA === undefined) return;
    const heard = hear(scanner, advA);
    if (heard === undefined) return; // network privacy: a listed peer that should use an RPA
    // Scanning filter policy 1/3: only advertisers in the Filter Accept List. Vol 6 Part B 4.3.3.
    const listed = scanner.state.inAcceptList(heard.identity.type, heard.identity.bytes);
    if ((scanner.state.scanningFilterPolicy & 1) === 1 && !listed) return;
    const eventType = reportTypeOf(params.advertisingType);
    const send = (type: number, data: Uint8Array) => {
      const key = `${toHex(advA.bytes)}/${advA.type}/${type}/${toHex(data)}`;
      if (scanner.state.filterDuplicates && scanner.state.reported.has(key)) return;
      scanner.state.reported.add(key);
      scanner.sendEvent({
        kind: 'le-advertising-report',
        reports: [
          {
            eventType: type,
            addressType: heard.reportedType,
            address: heard.reportedAddress,
            data,
            rssi: this.#rssi,
          },
        ],
      });
    };
    const directed = eventType === AdvertisingReportType.advDirectInd;
    // Directed advertising is heard only by the device it names. Core 6.0 Vol 6 Part B 2.3.1.2.
    if (directed && !isAddressedTo(scanner, directedTarget(advertiser))) return;
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
