import { u16 } from '@tsble/base';
import { EventCode, H4PacketType, MAX_CONNECTION_HANDLE } from './constants.js';
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
 * Events whose parameter length is fixed or bounded below; while hunting, a header that contradicts it cannot
 * start a real packet. Core 6.0 Vol 4 Part E 7.7.
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

/** A change of the framer's synchronisation, for the log: every resynchronisation is worth a warning. */
export type H4SyncChange =
  | {
      kind: 'lost';
      /** The octet that could not start a packet where one had to start. */
      octet: number;
      reason: string;
    }
  | {
      kind: 'found';
      /** Octets skipped while hunting for the first packet (a dongle left mid-packet, line noise). */
      droppedBytes: number;
    };

export interface H4FramerOptions {
  /** Packet types this side may receive: a host takes events and data, a controller commands and data. */
  accept: readonly HciPacketType[];
  /**
   * Largest ACL or ISO payload believed possible. Once in sync a longer header is a framing error (as Linux's
   * h4_recv_buf refuses a length past its buffer); while hunting it is garbage. Default 4096.
   */
  maxAclLength?: number;
  /**
   * Check headers for plausibility while hunting (default true). `false` mimics a naive receiver such as
   * Zephyr's hci_uart, which skips unknown type octets but trusts every length: the virtual controller's
   * Zephyr personality.
   */
  checkHeaders?: boolean;
  /**
   * The packet that proves the framer is in step with the sender. Default: for a host (a framer that accepts
   * events) a Command Complete or Command Status, the answer to the Reset every start-up begins with; for a
   * controller, any packet.
   */
  syncsOn?: (packet: HciPacket) => boolean;
  /** Told when synchronisation is lost or found. */
  onSync?: (change: H4SyncChange) => void;
}

const commandAnswer = (packet: HciPacket): boolean =>
  packet.type === 'event' &&
  (packet.code === EventCode.commandComplete || packet.code === EventCode.commandStatus);

/**
 * Splits an H4 byte stream into HCI packets. Sans-IO: `push` bytes in, get packets out.
 *
 * Two modes. **Hunting** (at open, and after a type octet that cannot start a packet): a byte that cannot
 * start a plausible packet (an unknown type octet, a header with an impossible handle, code or length) is
 * dropped and the next byte tried, and the transport may call `resyncStale` when a partial packet sits idle,
 * which gives up on it. This recovers from a dongle left mid-packet by a previous host. **In sync** (after
 * `syncsOn` accepted a packet): the length field decides, as in Linux's h4_recv_buf and Bumble's H4 parser
 * (Core 6.0 Vol 4 Part A 2): every packet is taken whole, whatever its code or handle, and a partial packet is
 * completed however long the gap. A payload is never re-read as packets: it may be a remote peer's bytes
 * (an ATT value), and re-reading it would let the peer forge HCI events. Only a type octet that cannot start
 * a packet, or an ACL/ISO length past `maxAclLength`, loses sync; both are reported through `onSync`.
 */
export class H4Framer {
  readonly #accept: ReadonlySet<HciPacketType>;
  readonly #maxAclLength: number;
  readonly #checkHeaders: boolean;
  readonly #syncsOn: (packet: HciPacket) => boolean;
  readonly #onSync: ((change: H4SyncChange) => void) | undefined;
  /** Received octets not yet framed live in #buffer[#start, #end); the buffer grows and compacts as needed. */
  #buffer = new Uint8Array(1024);
  #start = 0;
  #end = 0;
  #inSync = false;
  /** Octets dropped since hunting began, reported when sync is found. */
  #droppedWhileHunting = 0;
  /** Octets discarded while resynchronising, for diagnostics. */
  droppedBytes = 0;
  /** Times sync was lost after it had been found. */
  syncLosses = 0;

  constructor(options: H4FramerOptions) {
    this.#accept = new Set(options.accept);
    this.#maxAclLength = options.maxAclLength ?? 4096;
    this.#checkHeaders = options.checkHeaders ?? true;
    this.#syncsOn = options.syncsOn ?? (this.#accept.has('event') ? commandAnswer : () => true);
    this.#onSync = options.onSync;
  }

  /** Octets held back waiting for the rest of a packet. */
  get bufferedBytes(): number {
    return this.#end - this.#start;
  }

  /** True once a packet proved the stream is in step; false while hunting. */
  get synchronized(): boolean {
    return this.#inSync;
  }

  /** Feeds received bytes; returns the complete packets they finish, in order. */
  push(chunk: Uint8Array): HciPacket[] {
    this.#append(chunk);
    return this.#scan();
  }

  /**
   * While hunting only: gives up on a partial packet after the line went idle (a stray octet that looked like
   * a header), drops its first octet and re-scans what is left, returning any packets that now come out. In
   * sync it does nothing: a packet is completed however long the gap (a stalled event loop, a slow UART).
   */
  resyncStale(): HciPacket[] {
    if (this.#inSync || this.#end === this.#start) return [];
    this.droppedBytes++;
    this.#droppedWhileHunting++;
    this.#start++;
    return this.#scan();
  }

  /** Forgets any buffered partial packet and hunts again (the line was reopened). */
  reset(): void {
    this.#start = 0;
    this.#end = 0;
    this.#inSync = false;
    this.#droppedWhileHunting = 0;
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
      const octet = bytes[at] ?? 0;
      const type = typeByIndicator.get(octet);
      if (type === undefined || !this.#accept.has(type)) {
        if (this.#inSync) this.#loseSync(octet, `octet 0x${hex(octet)} is no packet type this side receives`);
        at = this.#skip(at);
        continue;
      }
      const header = headerLength[type];
      if (bytes.length - at - 1 < header) break;
      const length = announcedLength(type, bytes, at + 1);
      if (this.#inSync && (type === 'acl' || type === 'iso') && length > this.#maxAclLength) {
        this.#loseSync(octet, `${type} header announces ${length} octets, more than ${this.#maxAclLength}`);
        at = this.#skip(at);
        continue;
      }
      if (!this.#inSync && this.#checkHeaders && !this.#plausibleHeader(type, bytes, at + 1)) {
        at = this.#skip(at);
        continue;
      }
      const total = 1 + header + length;
      if (bytes.length - at < total) break;
      const packet = decodePacketAt(type, bytes, at + 1, length);
      at += total;
      if (!this.#inSync && this.#syncsOn(packet)) this.#findSync();
      packets.push(packet);
    }
    this.#start = at;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
    return packets;
  }

  #skip(at: number): number {
    this.droppedBytes++;
    this.#droppedWhileHunting++;
    return at + 1;
  }

  #loseSync(octet: number, reason: string): void {
    this.#inSync = false;
    this.syncLosses++;
    this.#droppedWhileHunting = 0;
    this.#onSync?.({ kind: 'lost', octet, reason });
  }

  #findSync(): void {
    this.#inSync = true;
    const droppedBytes = this.#droppedWhileHunting;
    this.#droppedWhileHunting = 0;
    if (droppedBytes > 0) this.#onSync?.({ kind: 'found', droppedBytes });
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
        return (u16(bytes, offset) & 0x0fff) <= MAX_CONNECTION_HANDLE && length <= this.#maxAclLength;
      case 'command': {
        // OGF 0x01-0x08 are defined, 0x3F is vendor specific. Core 6.0 Vol 4 Part E 5.4.1.
        const ogf = u16(bytes, offset) >> 10;
        return (ogf >= 0x01 && ogf <= 0x08) || ogf === 0x3f;
      }
      case 'sco':
      case 'iso':
        return (u16(bytes, offset) & 0x0fff) <= MAX_CONNECTION_HANDLE;
    }
  }
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');
