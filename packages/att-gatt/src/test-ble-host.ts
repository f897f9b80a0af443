/**
 * Test-only: the npm package ble-host (an independent JavaScript BLE host by Emil Lenngren) on a
 * virtual controller, through its documented transport contract (one H4 packet per write/data event).
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { encodeH4, H4Framer } from '@tsble/hci-transport';
import type { VirtualAir } from '@tsble/virtual-controller';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: ble-host is untyped JavaScript
export const { BleManager } = require('ble-host') as { BleManager: any };

/** LE Clear White List (0x2010), which ble-host sends at start and the virtual controller does not implement. */
const CLEAR_WHITE_LIST = 0x2010;

// biome-ignore lint/suspicious/noExplicitAny: ble-host manager object
export async function bleHostOn(air: VirtualAir, address: Uint8Array): Promise<any> {
  const controller = air.createController({ name: 'ble-host', address });
  const transport = new EventEmitter() as EventEmitter & { write(packet: Buffer): void };
  const framer = new H4Framer({ accept: ['event', 'acl'] });
  controller.controller.on('bytes', (bytes: Uint8Array) => {
    for (const packet of framer.push(bytes)) {
      const h4 = Buffer.from(encodeH4(packet));
      // Command Complete (0x0E) for Clear White List with Unknown HCI Command: a filter list we never use.
      if (h4[0] === 0x04 && h4[1] === 0x0e && h4.readUInt16LE(4) === CLEAR_WHITE_LIST) h4[6] = 0x00;
      transport.emit('data', h4);
    }
  });
  transport.write = (packet: Buffer) => void controller.writeRaw(new Uint8Array(packet));
  return new Promise((resolve, reject) =>
    BleManager.create(transport, {}, (error: unknown, manager: unknown) =>
      error ? reject(error) : resolve(manager),
    ),
  );
}
