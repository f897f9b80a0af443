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

// biome-ignore lint/suspicious/noExplicitAny: ble-host manager object
export async function bleHostOn(air: VirtualAir, address: Uint8Array): Promise<any> {
  const controller = air.createController({ name: 'ble-host', address });
  const transport = new EventEmitter() as EventEmitter & { write(packet: Buffer): void };
  const framer = new H4Framer({ accept: ['event', 'acl'] });
  controller.controller.on('bytes', (bytes: Uint8Array) => {
    for (const packet of framer.push(bytes)) {
      transport.emit('data', Buffer.from(encodeH4(packet)));
    }
  });
  transport.write = (packet: Buffer) => void controller.writeRaw(new Uint8Array(packet));
  return new Promise((resolve, reject) =>
    BleManager.create(transport, {}, (error: unknown, manager: unknown) =>
      error ? reject(error) : resolve(manager),
    ),
  );
}
