/**
 * The transport object ble-host asks for (an EventEmitter with `write(packet)` and `data` events, one whole
 * H4 packet each: ble-host docs, "The transport object"), over a tsble virtual controller, so that ble-host
 * and tsble run on the same controller code in the same process. Packets cross asynchronously
 * (setImmediate) and are copied, exactly as tsble's own in-process transport does, so neither stack gets a
 * cheaper path to the controller.
 */
import { EventEmitter } from 'node:events';
import type { VirtualController } from '@tsble/virtual-controller';

export class BleHostTransport extends EventEmitter {
  #closed = false;

  constructor(readonly controller: VirtualController) {
    super();
    // The controller emits one whole H4 packet per `bytes` event, which is what ble-host wants per `data`.
    controller.on('bytes', (bytes) => {
      if (!this.#closed) this.emit('data', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
  }

  /** One whole H4 packet from ble-host. */
  write(packet: Buffer): void {
    if (this.#closed) return;
    const copy = Uint8Array.from(packet);
    setImmediate(() => this.controller.receiveFromHost(copy));
  }

  /** Ends the transport: ble-host stops its timers when it sees `close`; the controller leaves the air. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close');
    this.controller.air.detach(this.controller);
  }
}
