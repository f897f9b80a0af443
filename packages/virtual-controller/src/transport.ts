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
      for (const packet of this.#framer.push(bytes)) this.emit('packet', packet);
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

  send(packet: HciPacket): Promise<void> {
    return this.writeRaw(encodeH4(packet));
  }

  /** Raw octets to the controller, asynchronously as a real line would deliver them. */
  writeRaw(bytes: Uint8Array): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new HciTransportError('transport-closed', this.description, `${this.description} is closed`),
      );
    }
    const copy = bytes.slice();
    return new Promise((resolve) => {
      setImmediate(() => {
        this.controller.receiveFromHost(copy);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.markClosed();
    this.controller.air.detach(this.controller);
  }
}
