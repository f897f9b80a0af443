import type { PacketBoundaryFlag } from '@tsble/base';
import { HciError } from './errors.js';

interface QueuedAcl {
  handle: number;
  packetBoundary: PacketBoundaryFlag;
  data: Uint8Array;
  resolve: () => void;
  reject: (error: HciError) => void;
}

/**
 * LE ACL flow control. Core 6.0 Vol 4 Part E 4.1.1: the controller has Total_Num_LE_ACL_Data_Packets buffers
 * shared by all connections; each packet sent takes one until Number Of Completed Packets returns it, and a
 * Disconnection Complete returns all of that handle's (Core 6.0 Vol 4 Part E 7.7.5). Packets wait in one FIFO,
 * so fragments of one PDU never interleave with another PDU on the same handle.
 */
export class AclFlow {
  #credits: number;
  #capacity: number;
  readonly #queue: QueuedAcl[] = [];
  readonly #inController = new Map<number, number>();

  constructor(
    capacity: number,
    private readonly write: (
      handle: number,
      packetBoundary: PacketBoundaryFlag,
      data: Uint8Array,
    ) => Promise<void>,
  ) {
    this.#capacity = capacity;
    this.#credits = capacity;
  }

  /** Buffers currently free in the controller. */
  get credits(): number {
    return this.#credits;
  }

  /** Packets waiting for a free controller buffer. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Sets the buffer count after (re)start; everything in flight is forgotten. */
  resize(capacity: number): void {
    this.#capacity = capacity;
    this.#credits = capacity;
    this.#inController.clear();
  }

  send(handle: number, packetBoundary: PacketBoundaryFlag, data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ handle, packetBoundary, data, resolve, reject });
      this.#pump();
    });
  }

  /**
   * Number Of Completed Packets for one handle. Returns how many of `count` were never sent (a bogus count):
   * they are ignored, since believing them would let us overrun the controller's buffers. Zephyr clamps the
   * same way ("packets count mismatch").
   */
  onCompleted(handle: number, count: number): number {
    const held = this.#inController.get(handle) ?? 0;
    const returned = Math.min(count, held);
    this.#inController.set(handle, held - returned);
    this.#credits = Math.min(this.#capacity, this.#credits + returned);
    this.#pump();
    return count - returned;
  }

  /** The link is gone: its buffers are free again and its queued packets fail. */
  onDisconnected(handle: number, error: HciError): void {
    const held = this.#inController.get(handle) ?? 0;
    this.#inController.delete(handle);
    this.#credits = Math.min(this.#capacity, this.#credits + held);
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      const item = this.#queue[i];
      if (item?.handle === handle) {
        this.#queue.splice(i, 1);
        item.reject(error);
      }
    }
    this.#pump();
  }

  /** Fails every queued packet; `error` may be a function that makes it, called only if one is waiting. */
  failAll(error: HciError | (() => HciError)): void {
    for (const item of this.#queue.splice(0)) item.reject(typeof error === 'function' ? error() : error);
    this.#inController.clear();
    this.#credits = this.#capacity;
  }

  #pump(): void {
    while (this.#credits > 0 && this.#queue.length > 0) {
      const item = this.#queue.shift() as QueuedAcl;
      this.#credits--;
      this.#inController.set(item.handle, (this.#inController.get(item.handle) ?? 0) + 1);
      this.write(item.handle, item.packetBoundary, item.data).then(item.resolve, (error: unknown) =>
        item.reject(
          error instanceof HciError
            ? error
            : new HciError('transport-error', 'ACL write failed', { cause: error }),
        ),
      );
    }
  }
}
