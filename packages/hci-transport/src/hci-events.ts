import type { PacketBoundaryFlag } from '@tsble/base';
import { HciError } from './errors.js';
import type { AdvertisingReport, HciEvent } from './events.js';
import type { ControllerInfo } from './startup.js';

type Of<K extends HciEvent['kind']> = Extract<HciEvent, { kind: K }>;

/** A Zephyr controller crash, with where it happened. */
export class ControllerCrashError extends HciError {
  constructor(
    readonly file: string | undefined,
    readonly line: number | undefined,
  ) {
    super(
      'controller-crashed',
      file === undefined
        ? 'the controller crashed (Zephyr fatal error); unplug and replug it'
        : `controller crashed at ${file}:${line}; unplug and replug it`,
    );
    this.name = 'ControllerCrashError';
  }
}

/**
 * What `Hci` emits. Payloads are the decoded events with the spec's field names (`connectionHandle`,
 * `status`, `reason`, ...). LE Connection Complete, Enhanced v1 and v2 all arrive as `connectionComplete`
 * (see `source`); `role` is 0 for central, 1 for peripheral.
 */
export type HciEventMap = {
  acl: (handle: number, packetBoundary: PacketBoundaryFlag, data: Uint8Array) => void;
  disconnection: (event: Of<'disconnection-complete'>) => void;
  /** A Disconnection Complete with a non-zero status for a live link: the Disconnect failed, the link is up. */
  disconnectionFailed: (event: Of<'disconnection-complete'>) => void;
  encryptionChange: (event: Of<'encryption-change'>) => void;
  keyRefresh: (event: Of<'encryption-key-refresh-complete'>) => void;
  connectionComplete: (event: Of<'le-connection-complete'>) => void;
  advertisingReport: (report: AdvertisingReport) => void;
  ltkRequest: (event: Of<'le-long-term-key-request'>) => void;
  connectionUpdate: (event: Of<'le-connection-update-complete'>) => void;
  dataLengthChange: (event: Of<'le-data-length-change'>) => void;
  phyUpdate: (event: Of<'le-phy-update-complete'>) => void;
  remoteFeatures: (event: Of<'le-read-remote-features-complete'>) => void;
  remoteVersion: (event: Of<'read-remote-version-information-complete'>) => void;
  /**
   * Hardware Error event. Once ready, every connection is reported lost (`disconnection`, reason 0x03), pending
   * commands fail with HciError 'hardware-error', and the layer resets the controller and runs the start-up
   * again (same static address), then emits `reset`; if it does not come back, or after the fourth hardware
   * error within a minute, `error` (HciError 'hardware-error') says so. During start-up, `open` fails instead.
   */
  hardwareError: (hardwareCode: number) => void;
  /** The controller came back after a hardware error: what the host had configured must be applied again. */
  reset: (info: ControllerInfo) => void;
  /** A Zephyr controller reported a fatal error (vendor event 0xFF); it needs a power cycle. */
  controllerCrash: (error: ControllerCrashError) => void;
  /** Every other event, decoded or raw (`other`), for extensions and diagnostics. */
  event: (event: HciEvent) => void;
  /**
   * A controller or transport failure: the transport failed or closed, a command got no answer in time
   * (HciTimeoutError), no command credit came for 4 s (HciCreditTimeoutError), a hardware error could not be
   * recovered, or a Zephyr controller crashed. Applications should end with exit status 3 on it.
   */
  error: (error: HciError) => void;
  close: () => void;
};

/** How `routeEvent` reports: the emitting class passes its own (protected) `emit`. */
export type EmitHciEvent = <E extends keyof HciEventMap>(
  event: E,
  ...args: Parameters<HciEventMap[E]>
) => void;

/** Emits the typed event for a decoded HCI event. */
export function routeEvent(emit: EmitHciEvent, event: HciEvent): void {
  switch (event.kind) {
    case 'disconnection-complete':
      emit('disconnection', event);
      return;
    case 'encryption-change':
      emit('encryptionChange', event);
      return;
    case 'encryption-key-refresh-complete':
      emit('keyRefresh', event);
      return;
    case 'le-connection-complete':
      emit('connectionComplete', event);
      return;
    case 'le-advertising-report':
      for (const report of event.reports) emit('advertisingReport', report);
      return;
    case 'le-long-term-key-request':
      emit('ltkRequest', event);
      return;
    case 'le-connection-update-complete':
      emit('connectionUpdate', event);
      return;
    case 'le-data-length-change':
      emit('dataLengthChange', event);
      return;
    case 'le-phy-update-complete':
      emit('phyUpdate', event);
      return;
    case 'le-read-remote-features-complete':
      emit('remoteFeatures', event);
      return;
    case 'read-remote-version-information-complete':
      emit('remoteVersion', event);
      return;
    case 'zephyr-fatal-error': {
      const error = new ControllerCrashError(event.file, event.line);
      emit('controllerCrash', error);
      emit('error', error);
      return;
    }
    default:
      emit('event', event);
  }
}
