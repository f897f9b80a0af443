import { TypedEmitter } from '@tsble/base';
import type { HciTransportError } from '../errors.js';
import type { H4SyncChange } from '../h4-framer.js';
import type { HciPacket } from '../packet.js';

/** What a transport reports. */
export type HciTransportEvents = {
  /** A complete packet from the controller. */
  packet: (packet: HciPacket) => void;
  /** The transport failed (port closed, dongle unplugged, socket reset); `close` follows. */
  error: (error: HciTransportError) => void;
  /** Byte-stream (H4) transports: the framer lost or found synchronisation (the HCI layer logs it). */
  sync: (change: H4SyncChange) => void;
  /** The transport is closed, by `close()` or by the other end. Emitted once. */
  close: () => void;
};

/**
 * Moves HCI packets between the host and one controller. Every transport (serial, USB, sockets, the in-process
 * virtual controller) implements this; nothing above it knows which one it has.
 */
export interface HciTransport {
  /** Names the controller for messages: "serial:/dev/ttyACM0 at 1000000 baud", "unix:/tmp/bt-server-le". */
  readonly description: string;
  /** Sends one packet; resolves once it has been handed to the operating system (or the controller). */
  send(packet: HciPacket): Promise<void>;
  /**
   * Byte-stream (H4) transports only: writes raw octets. The start-up sequence uses it to complete a packet a
   * previous host left half-sent, which would otherwise swallow our HCI Reset.
   */
  writeRaw?(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  readonly closed: boolean;
  on<E extends keyof HciTransportEvents>(event: E, listener: HciTransportEvents[E]): unknown;
  once<E extends keyof HciTransportEvents>(event: E, listener: HciTransportEvents[E]): unknown;
  off<E extends keyof HciTransportEvents>(event: E, listener: HciTransportEvents[E]): unknown;
}

/** Shared bookkeeping for transports: one `close` event, `closed` state. */
export abstract class BaseTransport extends TypedEmitter<HciTransportEvents> implements HciTransport {
  abstract readonly description: string;
  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  abstract send(packet: HciPacket): Promise<void>;
  abstract close(): Promise<void>;

  /** Marks the transport closed and emits `close` once; returns false when it already was. */
  protected markClosed(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.emit('close');
    return true;
  }
}
