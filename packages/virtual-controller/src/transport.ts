import { BaseTransport, encodeH4, H4Framer, type HciPacket, HciTransportError } from '@tsble/hci-transport';
import type { VirtualController } from './controller.js';

/**
 * The host's side of an in-process virtual controller: a full HciTransport whose packets travel as H4 octets
 * through the controller's framer one way and the host's framer the other, so the same code paths run as over
 * a serial port or a socket.
 */
export class VirtualControllerTransport extends BaseTransport {
  readonly description: string;
  readonly #framer = new H4Framer({ accept: ['event', 'acl', 'sco', 'iso'] });

  constructor(readonly controller: VirtualController) {
    super();
    this.description = `sim:${controller.name}`;
    controller.on('bytes', (bytes) => {
      const packets = this.#framer.push(bytes);
      for (let i = 0; i < packets.length; i++) this.emit('packet', packets[i] as HciPacket);
    });
    controller.on('unplug', () => {
      if (this.closed) return;
      this.emit(
        'error',
        new HciTransportError('transport-closed', this.description, `${this.description} was unplugged`),
      );
      this.markClosed();
    });
  }

  /** The packet's H4 octets, made here and held by no one else: handed over without writeRaw's copy. */
  send(packet: HciPacket): Promise<void> {
    return this.#deliver(encodeH4(packet));
  }

  /** Raw octets to the controller, asynchronously as a real line would deliver them. */
  writeRaw(bytes: Uint8Array): Promise<void> {
    // A copy: the caller may reuse its array once the write has started, as with a real line.
    return this.#deliver(bytes.slice());
  }

  #deliver(bytes: Uint8Array): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new HciTransportError('transport-closed', this.description, `${this.description} is closed`),
      );
    }
    return new Promise((resolve) => setImmediate(deliver, this.controller, bytes, resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.markClosed();
    this.controller.air.detach(this.controller);
  }
}

/** setImmediate's callback, with its arguments passed through rather than captured in a closure per packet. */
function deliver(controller: VirtualController, bytes: Uint8Array, done: () => void): void {
  controller.receiveFromHost(bytes);
  done();
}
