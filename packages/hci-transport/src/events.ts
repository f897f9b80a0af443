import { err, ok, type Result, u16, u32 } from '@tsble/base';
import { EventCode, LeSubevent, ZephyrFatalErrorType } from './constants.js';
import { decodeError, isDecodeError } from './decode-error.js';
import type { DecodeError } from './errors.js';
import { EventLayouts, LeEventLayouts } from './event-layouts.js';
import { decodeLayoutValues as decodeLayout, type Layout, type LayoutValues } from './fields.js';
import type { HciEventPacket } from './packet.js';

export { EventLayouts, LeEventLayouts };

type V<L extends Layout> = LayoutValues<L>;
type E = typeof EventLayouts;
type LE = typeof LeEventLayouts;

/**
 * An LE connection completion, normalised from the legacy, enhanced v1 and enhanced v2 events (which differ
 * only in the extra fields), so the host handles one event whatever the controller sends.
 */
export interface LeConnectionComplete extends V<LE['connectionComplete']> {
  source: 'legacy' | 'enhanced-v1' | 'enhanced-v2';
  /** Zeros when the controller did not use a resolvable private address, or for the legacy event. */
  localResolvablePrivateAddress: Uint8Array;
  peerResolvablePrivateAddress: Uint8Array;
  /** Enhanced v2 only: the advertising set that made the connection (0xFF when none). */
  advertisingHandle?: number;
  syncHandle?: number;
}

/** One advertising report. Core 6.0 Vol 4 Part E 7.7.65.2. */
export interface AdvertisingReport {
  eventType: number;
  addressType: number;
  address: Uint8Array;
  data: Uint8Array;
  /** dBm, signed; 127 means not available. */
  rssi: number;
}

/** Every event the stack understands, as a discriminated union on `kind`. */
export type HciEvent =
  | {
      kind: 'command-complete';
      numHciCommandPackets: number;
      commandOpcode: number;
      returnParameters: Uint8Array;
    }
  | ({ kind: 'command-status' } & V<E['commandStatus']>)
  | ({ kind: 'disconnection-complete' } & V<E['disconnectionComplete']>)
  | ({ kind: 'encryption-change'; version: 1 | 2 } & V<E['encryptionChangeV1']> & {
        encryptionKeySize?: number;
      })
  | ({ kind: 'encryption-key-refresh-complete' } & V<E['encryptionKeyRefreshComplete']>)
  | ({ kind: 'read-remote-version-information-complete' } & V<E['readRemoteVersionInformationComplete']>)
  | {
      kind: 'number-of-completed-packets';
      completed: { connectionHandle: number; numCompletedPackets: number }[];
    }
  | ({ kind: 'hardware-error' } & V<E['hardwareError']>)
  | ({ kind: 'data-buffer-overflow' } & V<E['dataBufferOverflow']>)
  | ({ kind: 'le-connection-complete' } & LeConnectionComplete)
  | { kind: 'le-advertising-report'; reports: AdvertisingReport[] }
  | ({ kind: 'le-connection-update-complete' } & V<LE['connectionUpdateComplete']>)
  | ({ kind: 'le-read-remote-features-complete' } & V<LE['readRemoteFeaturesComplete']>)
  | ({ kind: 'le-long-term-key-request' } & V<LE['longTermKeyRequest']>)
  | ({ kind: 'le-data-length-change' } & V<LE['dataLengthChange']>)
  | ({ kind: 'le-phy-update-complete' } & V<LE['phyUpdateComplete']>)
  | { kind: 'zephyr-fatal-error'; dataType: number; file?: string; line?: number; programCounter?: bigint }
  | { kind: 'other'; code: number; params: Uint8Array };

export type HciEventKind = HciEvent['kind'];

/** Decodes an event packet; unknown events come back as `other`, malformed known ones as a DecodeError. */
export function decodeEvent(packet: HciEventPacket): Result<HciEvent, DecodeError> {
  const event = decodeEventValue(packet);
  return isDecodeError(event) ? err(event) : ok(event);
}

/** @internal `decodeEvent` for the HCI layer, which takes a decode error as a value: no Result per event. */
export function decodeEventValue(packet: HciEventPacket): HciEvent | DecodeError {
  const p = packet.params;
  switch (packet.code) {
    case EventCode.commandComplete:
      if (p.length < 3) return decodeError('Command Complete shorter than 3 octets');
      return {
        kind: 'command-complete',
        numHciCommandPackets: p[0] ?? 0,
        commandOpcode: u16(p, 1),
        returnParameters: p.slice(3),
      };
    case EventCode.commandStatus:
      return tagged('command-status', decodeLayout(EventLayouts.commandStatus, p));
    case EventCode.disconnectionComplete:
      return tagged('disconnection-complete', decodeLayout(EventLayouts.disconnectionComplete, p));
    case EventCode.encryptionChangeV1:
      return tagged('encryption-change', decodeLayout(EventLayouts.encryptionChangeV1, p), {
        version: 1 as const,
      });
    case EventCode.encryptionChangeV2:
      return tagged('encryption-change', decodeLayout(EventLayouts.encryptionChangeV2, p), {
        version: 2 as const,
      });
    case EventCode.encryptionKeyRefreshComplete:
      return tagged(
        'encryption-key-refresh-complete',
        decodeLayout(EventLayouts.encryptionKeyRefreshComplete, p),
      );
    case EventCode.readRemoteVersionInformationComplete:
      return tagged(
        'read-remote-version-information-complete',
        decodeLayout(EventLayouts.readRemoteVersionInformationComplete, p),
      );
    case EventCode.hardwareError:
      return tagged('hardware-error', decodeLayout(EventLayouts.hardwareError, p));
    case EventCode.dataBufferOverflow:
      return tagged('data-buffer-overflow', decodeLayout(EventLayouts.dataBufferOverflow, p));
    case EventCode.numberOfCompletedPackets:
      return decodeNumberOfCompletedPackets(p);
    case EventCode.leMeta:
      return decodeLeMeta(p) ?? { kind: 'other', code: packet.code, params: p };
    case EventCode.vendor:
      return decodeZephyrFatalError(p) ?? { kind: 'other', code: packet.code, params: p };
    default:
      return { kind: 'other', code: packet.code, params: p };
  }
}

function tagged<K extends string, T extends object, X extends object = object>(
  kind: K,
  value: T | DecodeError,
  extra?: X,
): ({ kind: K } & T & X) | DecodeError {
  if (isDecodeError(value)) return value;
  return { kind, ...value, ...(extra as X) };
}

/** Core 6.0 Vol 4 Part E 7.7.19: Num_Handles, then Handle[i] and Num_Completed_Packets[i] arrays. */
function decodeNumberOfCompletedPackets(p: Uint8Array): HciEvent | DecodeError {
  const n = p[0] ?? 0;
  if (p.length < 1 + 4 * n)
    return decodeError(`Number Of Completed Packets: ${n} handles need ${1 + 4 * n} octets`);
  const completed = [];
  for (let i = 0; i < n; i++) {
    completed.push({
      connectionHandle: u16(p, 1 + 2 * i) & 0x0fff,
      numCompletedPackets: u16(p, 1 + 2 * n + 2 * i),
    });
  }
  return { kind: 'number-of-completed-packets', completed };
}

function decodeLeMeta(p: Uint8Array): HciEvent | DecodeError | undefined {
  const sub = p[0];
  const rest = p.subarray(1);
  switch (sub) {
    case LeSubevent.connectionComplete: {
      const v = decodeLayout(LeEventLayouts.connectionComplete, rest);
      if (isDecodeError(v)) return v;
      const zero = new Uint8Array(6);
      return {
        kind: 'le-connection-complete',
        source: 'legacy',
        ...v,
        localResolvablePrivateAddress: zero,
        peerResolvablePrivateAddress: zero.slice(),
      };
    }
    case LeSubevent.enhancedConnectionCompleteV1:
    case LeSubevent.enhancedConnectionCompleteV2: {
      const v2 = sub === LeSubevent.enhancedConnectionCompleteV2;
      const v = decodeLayout(LeEventLayouts.enhancedConnectionCompleteV1, rest);
      if (isDecodeError(v)) return v;
      // v2 appends Advertising_Handle (1) and Sync_Handle (2). Core 6.0 Vol 4 Part E 7.7.65.10.
      if (v2 && rest.length < 33)
        return decodeError('LE Enhanced Connection Complete v2 shorter than 33 octets');
      return {
        kind: 'le-connection-complete',
        source: v2 ? 'enhanced-v2' : 'enhanced-v1',
        ...v,
        ...(v2 ? { advertisingHandle: rest[30] ?? 0xff, syncHandle: u16(rest, 31) } : {}),
      };
    }
    case LeSubevent.advertisingReport:
      return decodeAdvertisingReport(rest);
    case LeSubevent.connectionUpdateComplete:
      return tagged(
        'le-connection-update-complete',
        decodeLayout(LeEventLayouts.connectionUpdateComplete, rest),
      );
    case LeSubevent.readRemoteFeaturesComplete:
      return tagged(
        'le-read-remote-features-complete',
        decodeLayout(LeEventLayouts.readRemoteFeaturesComplete, rest),
      );
    case LeSubevent.longTermKeyRequest:
      return tagged('le-long-term-key-request', decodeLayout(LeEventLayouts.longTermKeyRequest, rest));
    case LeSubevent.dataLengthChange:
      return tagged('le-data-length-change', decodeLayout(LeEventLayouts.dataLengthChange, rest));
    case LeSubevent.phyUpdateComplete:
      return tagged('le-phy-update-complete', decodeLayout(LeEventLayouts.phyUpdateComplete, rest));
    default:
      return undefined;
  }
}

/**
 * Core 6.0 Vol 4 Part E 7.7.65.2. Reports are read one after another (event type, address type, address,
 * length, data, RSSI), which is how controllers send them; with one report per event, as nearly all do, this
 * is also the spec's field-array order.
 */
function decodeAdvertisingReport(p: Uint8Array): HciEvent | DecodeError {
  const n = p[0] ?? 0;
  const reports: AdvertisingReport[] = [];
  let at = 1;
  for (let i = 0; i < n; i++) {
    if (p.length < at + 9) return decodeError('LE Advertising Report truncated');
    const length = p[at + 8] ?? 0;
    if (length > 31 || p.length < at + 9 + length + 1)
      return decodeError('LE Advertising Report data truncated');
    const rssiOctet = p[at + 9 + length] ?? 127;
    reports.push({
      eventType: p[at] ?? 0,
      addressType: p[at + 1] ?? 0,
      address: p.slice(at + 2, at + 8),
      data: p.slice(at + 9, at + 9 + length),
      rssi: rssiOctet > 127 ? rssiOctet - 256 : rssiOctet,
    });
    at += 10 + length;
  }
  return { kind: 'le-advertising-report', reports };
}

/**
 * Zephyr's vendor Fatal Error event (0xFF): the first octet names the data type; an assert carries the file
 * name (NUL-terminated) and the line, a trace also the program counter before them. Anything else is left
 * to the caller as an unknown vendor event.
 */
function decodeZephyrFatalError(p: Uint8Array): HciEvent | undefined {
  const dataType = p[0];
  if (dataType !== ZephyrFatalErrorType.controllerAssert && dataType !== ZephyrFatalErrorType.trace) {
    return dataType === ZephyrFatalErrorType.stackFrame
      ? { kind: 'zephyr-fatal-error', dataType }
      : undefined;
  }
  let at = 1;
  let programCounter: bigint | undefined;
  if (dataType === ZephyrFatalErrorType.trace) {
    if (p.length < 9) return undefined;
    programCounter = BigInt(u32(p, 1)) | (BigInt(u32(p, 5)) << 32n);
    at = 9;
  }
  const nul = p.indexOf(0, at);
  if (nul < 0 || p.length < nul + 5) return undefined;
  const file = new TextDecoder().decode(p.subarray(at, nul));
  const line = u32(p, nul + 1);
  return {
    kind: 'zephyr-fatal-error',
    dataType,
    file,
    line,
    ...(programCounter === undefined ? {} : { programCounter }),
  };
}
