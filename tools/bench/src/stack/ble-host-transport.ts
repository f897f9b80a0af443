/**
 * The transport object ble-host asks for (an EventEmitter with `write(packet)` and `data` events, one whole
 * H4 packet each: ble-host docs, "The transport object"), over a tsble virtual controller, so that ble-host
 * and tsble run on the same controller code in the same process. Packets cross asynchronously
 * (setImmediate) and are copied, exactly as tsble's own in-process transport does, so neither stack gets a
 * cheaper path to the controller.
 */
import { EventEmitter } from 'node:events';
import type { VirtualController } from '@tsble/virtual-controller';

/** H4 packet indicators (Core 6.0 Vol 4 Part A 2). */
const H4_COMMAND = 0x01;
const H4_EVENT = 0x04;
/** Command Complete event code (Core 6.0 Vol 4 Part E 7.7.14). */
const COMMAND_COMPLETE = 0x0e;
/** HCI_LE_Clear_Filter_Accept_List, "LE Clear White List" before 5.3 (Core 6.0 Vol 4 Part E 7.8.15). */
const LE_CLEAR_FILTER_ACCEPT_LIST = 0x2010;

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
    if (packet[0] === H4_COMMAND && packet.readUInt16LE(1) === LE_CLEAR_FILTER_ACCEPT_LIST) {
      // ble-host clears the filter accept list while initialising and gives up if that fails. The virtual
      // controller keeps no such list (tsble never uses one), so clearing it is trivially done: answer here.
      setImmediate(() => this.emit('data', commandComplete(LE_CLEAR_FILTER_ACCEPT_LIST)));
      return;
    }
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

/** Command Complete for `opcode` with status Success and one command credit. */
function commandComplete(opcode: number): Buffer {
  return Buffer.from([H4_EVENT, COMMAND_COMPLETE, 4, 1, opcode & 0xff, opcode >> 8, 0x00]);
}
