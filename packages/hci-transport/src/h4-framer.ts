import { EventCode, H4PacketType, maxConnectionHandle } from './constants.js';
import { u16 } from './little-endian.js';
import {
  announcedLength,
  decodePacketAt,
  type HciPacket,
  type HciPacketType,
  headerLength,
} from './packet.js';

const typeByIndicator = new Map<number, HciPacketType>([
  [H4PacketType.command, 'command'],
  [H4PacketType.acl, 'acl'],
  [H4PacketType.sco, 'sco'],
  [H4PacketType.event, 'event'],
  [H4PacketType.iso, 'iso'],
]);

/**
 * Events whose parameter length is fixed or bounded below; a header that contradicts it cannot start a real
 * packet. Core 6.0 Vol 4 Part E 7.7.
 */
const eventMinLength = new Map<number, number>([
  [EventCode.commandComplete, 3],
  [EventCode.commandStatus, 4],
  [EventCode.disconnectionComplete, 4],
  [EventCode.encryptionChangeV1, 4],
  [EventCode.hardwareError, 1],
  [EventCode.numberOfCompletedPackets, 1],
  [EventCode.encryptionKeyRefreshComplete, 3],
  [EventCode.leMeta, 1],
]);

export interface H4FramerOptions {
  /** Packet types this side may receive: a host takes events and data, a controller commands and data. */
  accept: readonly HciPacketType[];
  /** Largest ACL payload believed possible; a longer header is garbage. Default 4096. */
  maxAclLength?: number;
  /**
   * Check headers for plausibility (default true). `false` mimics a naive receiver such as Zephyr's hci_uart,
   * which skips unknown type octets but trusts every length: the virtual controller's Zephyr personality.
   */
  checkHeaders?: boolean;
}

/**
 * Splits an H4 byte stream into HCI packets and resynchronises after garbage.
 *
 * Sans-IO: `push` bytes in, get packets out. A byte that cannot start a packet (an unknown or unexpected type
 * octet, a header with an impossible handle or length) is dropped and the next byte is tried, so one stray
 * byte never wedges the stream. A stray byte that happens to look like a valid header can still hold back the
 * packets behind it while the framer waits for a payload that never comes; the transport calls `resyncStale`
 * when the line has been idle with a partial packet buffered, which drops one byte and re-scans.
 */
export class H4Framer {
  readonly #accept: ReadonlySet<HciPacketType>;
  readonly #maxAclLength: number;
  readonly #checkHeaders: boolean;
  /** Received octets not yet framed live in #buffer[#start, #end); the buffer grows and compacts as needed. */
  #buffer = new Uint8Array(1024);
  #start = 0;
  #end = 0;
  /** Octets discarded while resynchronising, for diagnostics. */
  droppedBytes = 0;

  constructor(options: H4FramerOptions) {
    this.#accept = new Set(options.accept);
    this.#maxAclLength = options.maxAclLength ?? 4096;
    this.#checkHeaders = options.checkHeaders ?? true;
  }

  /** Octets held back waiting for the rest of a packet. */
  get bufferedBytes(): number {
    return this.#end - this.#start;
  }

  /** Feeds received bytes; returns the complete packets they finish, in order. */
  push(chunk: Uint8Array): HciPacket[] {
    this.#append(chunk);
    return this.#scan();
  }

  /**
   * Gives up on a partial packet after the line went idle: drops its first octet and re-scans what is left,
   * returning any packets that now come out. Returns [] when nothing is buffered.
   */
  resyncStale(): HciPacket[] {
    if (this.#end === this.#start) return [];
    this.droppedBytes++;
    this.#start++;
    return this.#scan();
  }

  /** Forgets any buffered partial packet. */
  reset(): void {
    this.#start = 0;
    this.#end = 0;
  }

  #append(chunk: Uint8Array): void {
    const held = this.#end - this.#start;
    if (this.#end + chunk.length > this.#buffer.length) {
      const needed = held + chunk.length;
      const target =
        needed > this.#buffer.length
          ? new Uint8Array(Math.max(needed, 2 * this.#buffer.length))
          : this.#buffer;
      target.set(this.#buffer.subarray(this.#start, this.#end), 0);
      this.#buffer = target;
      this.#start = 0;
      this.#end = held;
    }
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  #scan(): HciPacket[] {
    const packets: HciPacket[] = [];
    const bytes = this.#buffer.subarray(0, this.#end);
    let at = this.#start;
    while (at < bytes.length) {
      const type = typeByIndicator.get(bytes[at] ?? 0);
      if (type === undefined || !this.#accept.has(type)) {
        at++;
        this.droppedBytes++;
        continue;
      }
      const header = headerLength[type];
      if (bytes.length - at - 1 < header) break;
      if (this.#checkHeaders && !this.#plausibleHeader(type, bytes, at + 1)) {
        at++;
        this.droppedBytes++;
        continue;
      }
      const length = announcedLength(type, bytes, at + 1);
      const total = 1 + header + length;
      if (bytes.length - at < total) break;
      packets.push(decodePacketAt(type, bytes, at + 1, length));
      at += total;
    }
    this.#start = at;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
    return packets;
  }

  #plausibleHeader(type: HciPacketType, bytes: Uint8Array, offset: number): boolean {
    const length = announcedLength(type, bytes, offset);
    switch (type) {
      case 'event': {
        const code = bytes[offset] ?? 0;
        // Core 6.0 assigns event codes 0x01-0x59; 0xFE is reserved for testing and 0xFF is vendor specific.
        if (code === 0 || (code > 0x59 && code < 0xfe)) return false;
        return length >= (eventMinLength.get(code) ?? 0);
      }
      case 'acl':
        return (u16(bytes, offset) & 0x0fff) <= maxConnectionHandle && length <= this.#maxAclLength;
      case 'command': {
        // OGF 0x01-0x08 are defined, 0x3F is vendor specific. Core 6.0 Vol 4 Part E 5.4.1.
        const ogf = u16(bytes, offset) >> 10;
        return (ogf >= 0x01 && ogf <= 0x08) || ogf === 0x3f;
      }
      case 'sco':
      case 'iso':
        return (u16(bytes, offset) & 0x0fff) <= maxConnectionHandle;
    }
  }
}
