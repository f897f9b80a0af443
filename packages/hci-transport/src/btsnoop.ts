import { closeSync, openSync, writeSync } from 'node:fs';
import { Btsnoop } from './constants.js';
import { encodeH4, type HciPacket } from './packet.js';

/**
 * Wall-clock time in milliseconds with microsecond resolution: the process start on the wall clock plus the
 * monotonic clock since, so stamps never go backwards within a capture (Date.now() has whole milliseconds).
 */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Direction of a captured packet, seen from the host. */
export type CaptureDirection = 'sent' | 'received';

/** Where capture bytes go: a file path, or anything with a synchronous-enough `write`. */
export type BtsnoopTarget = string | { write(bytes: Uint8Array): unknown; end?(): unknown };

/**
 * Writes a btsnoop capture (version 1, datalink 1002 = H4) that Wireshark, tshark and btmon open.
 * Records carry the H4 type octet, a flags word (bit 0: 0 sent / 1 received; bit 1: 1 for command or event,
 * 0 for data) and a timestamp in microseconds since year 0. Writes are synchronous so a crash loses nothing
 * already seen.
 */
export class BtsnoopWriter {
  readonly #write: (bytes: Uint8Array) => void;
  readonly #close: () => void;
  #closed = false;
  /** Records written. */
  count = 0;

  constructor(target: BtsnoopTarget) {
    const sink = openSink(target, Btsnoop.datalinkH4);
    this.#write = sink.write;
    this.#close = sink.close;
  }

  /**
   * Appends one packet. `timeMs` is wall-clock milliseconds with a fractional part (default: now, to the
   * microsecond): a pairing's dozen packets fall within a few milliseconds, and whole-millisecond stamps would
   * give most of them the same time.
   */
  write(packet: HciPacket, direction: CaptureDirection, timeMs: number = nowMs()): void {
    if (this.#closed) return;
    const data = encodeH4(packet);
    const record = new Uint8Array(24 + data.length);
    const view = new DataView(record.buffer);
    const commandOrEvent = packet.type === 'command' || packet.type === 'event';
    view.setUint32(0, data.length);
    view.setUint32(4, data.length);
    view.setUint32(8, (direction === 'received' ? 1 : 0) | (commandOrEvent ? 2 : 0));
    view.setUint32(12, 0);
    view.setBigInt64(16, stamp(timeMs));
    record.set(data, 24);
    this.#write(record);
    this.count++;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#close();
  }
}

/** Microseconds since year 0, as btsnoop records carry them. */
function stamp(timeMs: number): bigint {
  return BigInt(Math.round(timeMs * 1000)) + Btsnoop.epochOffsetMicros;
}

/** Opens the target and writes the btsnoop file header for `datalink`. */
function openSink(
  target: BtsnoopTarget,
  datalink: number,
): { write: (b: Uint8Array) => void; close: () => void } {
  let sink: { write: (b: Uint8Array) => void; close: () => void };
  if (typeof target === 'string') {
    // A capture holds every key the controller is given (HCI LE Enable Encryption and LTK Request Reply carry
    // the LTK): only the owner may read it. An existing file keeps its mode, never widened.
    const fd = openSync(target, 'w', 0o600);
    sink = {
      write: (bytes) => {
        writeSync(fd, bytes);
      },
      close: () => closeSync(fd),
    };
  } else {
    sink = {
      write: (bytes) => {
        target.write(bytes);
      },
      close: () => {
        target.end?.();
      },
    };
  }
  const header = new Uint8Array(16);
  header.set(new TextEncoder().encode('btsnoop\0'), 0);
  const view = new DataView(header.buffer);
  view.setUint32(8, Btsnoop.version);
  view.setUint32(12, datalink);
  sink.write(header);
  return sink;
}

/** The Linux monitor datalink (what btmon writes): one capture, many controllers. */
const datalinkMonitor = 2001;

/** Monitor record opcodes (BlueZ src/shared/btsnoop.h, as btmon and Wireshark read them). */
const MonitorOpcode = {
  newIndex: 0,
  deleteIndex: 1,
  commandPacket: 2,
  eventPacket: 3,
  aclTx: 4,
  aclRx: 5,
  scoTx: 6,
  scoRx: 7,
  openIndex: 8,
  closeIndex: 9,
  isoTx: 18,
  isoRx: 19,
} as const;

/**
 * Writes a btsnoop capture in the Linux monitor format (datalink 2001): each record names a controller index,
 * so one file holds what several controllers saw, in time order; `btmon -r FILE` and Wireshark open it. A
 * controller is announced with `addIndex` (its address and a name) before its packets. Created 0600 like the
 * H4 capture, for the same reason.
 */
export class BtsnoopMonitorWriter {
  readonly #sink: { write: (b: Uint8Array) => void; close: () => void };
  #closed = false;
  /** Records written. */
  count = 0;

  constructor(target: BtsnoopTarget) {
    this.#sink = openSink(target, datalinkMonitor);
  }

  /** Announces controller `index` (New Index, then Open Index). `address` in HCI order. */
  addIndex(index: number, address: Uint8Array, name: string, timeMs: number = nowMs()): void {
    const info = new Uint8Array(16);
    info[0] = 0x00; // primary controller
    info[1] = 0x00; // virtual bus
    info.set(address.subarray(0, 6), 2);
    info.set(new TextEncoder().encode(name).subarray(0, 8), 8);
    this.#record(index, MonitorOpcode.newIndex, info, timeMs);
    this.#record(index, MonitorOpcode.openIndex, new Uint8Array(0), timeMs);
  }

  /** Controller `index` is gone (Close Index, then Delete Index). */
  removeIndex(index: number, timeMs: number = nowMs()): void {
    this.#record(index, MonitorOpcode.closeIndex, new Uint8Array(0), timeMs);
    this.#record(index, MonitorOpcode.deleteIndex, new Uint8Array(0), timeMs);
  }

  /** One packet of controller `index`; `direction` as seen from its host. */
  write(index: number, packet: HciPacket, direction: CaptureDirection, timeMs: number = nowMs()): void {
    const sent = direction === 'sent';
    const opcode = {
      command: MonitorOpcode.commandPacket,
      event: MonitorOpcode.eventPacket,
      acl: sent ? MonitorOpcode.aclTx : MonitorOpcode.aclRx,
      sco: sent ? MonitorOpcode.scoTx : MonitorOpcode.scoRx,
      iso: sent ? MonitorOpcode.isoTx : MonitorOpcode.isoRx,
    }[packet.type];
    // The monitor format carries the packet without the H4 indicator: the opcode says what it is.
    this.#record(index, opcode, encodeH4(packet).subarray(1), timeMs);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink.close();
  }

  #record(index: number, opcode: number, data: Uint8Array, timeMs: number): void {
    if (this.#closed) return;
    const record = new Uint8Array(24 + data.length);
    const view = new DataView(record.buffer);
    view.setUint32(0, data.length);
    view.setUint32(4, data.length);
    view.setUint32(8, ((index & 0xffff) << 16) | opcode);
    view.setUint32(12, 0);
    view.setBigInt64(16, stamp(timeMs));
    record.set(data, 24);
    this.#sink.write(record);
    this.count++;
  }
}
