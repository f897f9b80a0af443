import { concatBytes, putU16, putU32 } from '@tsble/base';
import { EventCode, LeSubevent, ZephyrFatalErrorType } from './constants.js';
import { EventLayouts, type HciEvent, LeEventLayouts } from './events.js';
import { encodeLayout, type Layout, type LayoutValues } from './fields.js';
import type { HciEventPacket } from './packet.js';

/**
 * The exact inverse of `decodeEvent`: what a controller (the virtual one) sends. Kept beside the decoder's
 * layouts so both read the same data.
 */
export function encodeEvent(event: HciEvent): HciEventPacket {
  switch (event.kind) {
    case 'command-complete': {
      const head = new Uint8Array(3);
      head[0] = event.numHciCommandPackets;
      putU16(head, 1, event.commandOpcode);
      return packet(EventCode.commandComplete, concatBytes(head, event.returnParameters));
    }
    case 'command-status':
      return fixed(EventCode.commandStatus, EventLayouts.commandStatus, event);
    case 'disconnection-complete':
      return fixed(EventCode.disconnectionComplete, EventLayouts.disconnectionComplete, event);
    case 'encryption-change':
      return event.version === 2
        ? fixed(EventCode.encryptionChangeV2, EventLayouts.encryptionChangeV2, {
            ...event,
            encryptionKeySize: event.encryptionKeySize ?? 16,
          })
        : fixed(EventCode.encryptionChangeV1, EventLayouts.encryptionChangeV1, event);
    case 'encryption-key-refresh-complete':
      return fixed(EventCode.encryptionKeyRefreshComplete, EventLayouts.encryptionKeyRefreshComplete, event);
    case 'read-remote-version-information-complete':
      return fixed(
        EventCode.readRemoteVersionInformationComplete,
        EventLayouts.readRemoteVersionInformationComplete,
        event,
      );
    case 'hardware-error':
      return fixed(EventCode.hardwareError, EventLayouts.hardwareError, event);
    case 'data-buffer-overflow':
      return fixed(EventCode.dataBufferOverflow, EventLayouts.dataBufferOverflow, event);
    case 'number-of-completed-packets': {
      const n = event.completed.length;
      const p = new Uint8Array(1 + 4 * n);
      p[0] = n;
      event.completed.forEach((c, i) => {
        putU16(p, 1 + 2 * i, c.connectionHandle);
        putU16(p, 1 + 2 * n + 2 * i, c.numCompletedPackets);
      });
      return packet(EventCode.numberOfCompletedPackets, p);
    }
    case 'le-connection-complete':
      return encodeConnectionComplete(event);
    case 'le-advertising-report': {
      const parts = event.reports.map((r) => {
        const p = new Uint8Array(10 + r.data.length);
        p[0] = r.eventType;
        p[1] = r.addressType;
        p.set(r.address.subarray(0, 6), 2);
        p[8] = r.data.length;
        p.set(r.data, 9);
        p[9 + r.data.length] = r.rssi & 0xff;
        return p;
      });
      return leMeta(LeSubevent.advertisingReport, concatBytes(Uint8Array.of(event.reports.length), ...parts));
    }
    case 'le-connection-update-complete':
      return leFixed(LeSubevent.connectionUpdateComplete, LeEventLayouts.connectionUpdateComplete, event);
    case 'le-read-remote-features-complete':
      return leFixed(LeSubevent.readRemoteFeaturesComplete, LeEventLayouts.readRemoteFeaturesComplete, event);
    case 'le-long-term-key-request':
      return leFixed(LeSubevent.longTermKeyRequest, LeEventLayouts.longTermKeyRequest, event);
    case 'le-data-length-change':
      return leFixed(LeSubevent.dataLengthChange, LeEventLayouts.dataLengthChange, event);
    case 'le-phy-update-complete':
      return leFixed(LeSubevent.phyUpdateComplete, LeEventLayouts.phyUpdateComplete, event);
    case 'zephyr-fatal-error':
      return encodeZephyrFatalError(event);
    case 'other':
      return packet(event.code, event.params);
  }
}

function packet(code: number, params: Uint8Array): HciEventPacket {
  return { type: 'event', code, params };
}

function fixed<L extends Layout>(code: number, layout: L, values: LayoutValues<L>): HciEventPacket {
  return packet(code, encodeLayout(layout, values));
}

function leMeta(subevent: number, rest: Uint8Array): HciEventPacket {
  return packet(EventCode.leMeta, concatBytes(Uint8Array.of(subevent), rest));
}

function leFixed<L extends Layout>(subevent: number, layout: L, values: LayoutValues<L>): HciEventPacket {
  return leMeta(subevent, encodeLayout(layout, values));
}

function encodeConnectionComplete(
  event: Extract<HciEvent, { kind: 'le-connection-complete' }>,
): HciEventPacket {
  if (event.source === 'legacy') {
    return leFixed(LeSubevent.connectionComplete, LeEventLayouts.connectionComplete, event);
  }
  const body = encodeLayout(LeEventLayouts.enhancedConnectionCompleteV1, event);
  if (event.source === 'enhanced-v1') return leMeta(LeSubevent.enhancedConnectionCompleteV1, body);
  const tail = new Uint8Array(3);
  tail[0] = event.advertisingHandle ?? 0xff;
  putU16(tail, 1, event.syncHandle ?? 0xffff);
  return leMeta(LeSubevent.enhancedConnectionCompleteV2, concatBytes(body, tail));
}

/** Zephyr's Fatal Error vendor event: data type, [PC for a trace,] file name, NUL, line (u32). */
function encodeZephyrFatalError(event: Extract<HciEvent, { kind: 'zephyr-fatal-error' }>): HciEventPacket {
  if (event.file === undefined || event.line === undefined)
    return packet(EventCode.vendor, Uint8Array.of(event.dataType));
  const file = new TextEncoder().encode(event.file);
  const line = new Uint8Array(4);
  putU32(line, 0, event.line);
  const pc = new Uint8Array(event.dataType === ZephyrFatalErrorType.trace ? 8 : 0);
  if (pc.length === 8) {
    const value = event.programCounter ?? 0n;
    putU32(pc, 0, Number(value & 0xffffffffn));
    putU32(pc, 4, Number(value >> 32n));
  }
  return packet(
    EventCode.vendor,
    concatBytes(Uint8Array.of(event.dataType), pc, file, Uint8Array.of(0), line),
  );
}
