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
    if (typeof target === 'string') {
      // A capture holds every key the controller is given (HCI LE Enable Encryption and LTK Request Reply carry
      // the LTK): only the owner may read it. An existing file keeps its mode, never widened.
      const fd = openSync(target, 'w', 0o600);
      this.#write = (bytes) => {
        writeSync(fd, bytes);
      };
      this.#close = () => closeSync(fd);
    } else {
      this.#write = (bytes) => {
        target.write(bytes);
      };
      this.#close = () => {
        target.end?.();
      };
    }
    const header = new Uint8Array(16);
    header.set(new TextEncoder().encode('btsnoop\0'), 0);
    const view = new DataView(header.buffer);
    view.setUint32(8, Btsnoop.version);
    view.setUint32(12, Btsnoop.datalinkH4);
    this.#write(header);
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
    view.setBigInt64(16, BigInt(Math.round(timeMs * 1000)) + Btsnoop.epochOffsetMicros);
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
