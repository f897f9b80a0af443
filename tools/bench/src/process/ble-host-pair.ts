/**
 * A fresh ble-host process doing what `tsble pair` does: connect to a peripheral on a virtual controller
 * socket, pair LE Secure Connections Just Works (bonding), disconnect, exit. Its transport stamps every H4
 * packet in microseconds where tsble's btsnoop writer would, and on exit it prints the timeline as one JSON
 * line, so both processes are timed from their own traffic.
 *
 *   node ble-host-pair.js '{"socket":"/tmp/sim.sock","address":"00:54:53:42:4C:01","addressType":"public"}'
 *
 * ble-host keeps its bonds under the working directory: run it in a temporary one.
 */
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { bleHost } from '../stack/ble-host-api.js';

interface Config {
  socket: string;
  address: string;
  addressType: 'public' | 'random';
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const stamped: { us: number; direction: 'out' | 'in'; hex: string }[] = [];
// Unix microseconds, so the bench can place the traffic between this process's spawn and exit.
const now = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** Whole H4 packets to and from the socket, as ble-host's transport contract asks, each one stamped. */
class StampedH4Socket extends EventEmitter {
  private buffer: Buffer = Buffer.alloc(0);
  readonly socket: Socket;

  constructor(path: string) {
    super();
    this.socket = connect(path);
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('close', () => this.emit('close'));
    this.socket.on('error', (error) => fail(`socket: ${error.message}`));
  }

  write(packet: Buffer): void {
    stamped.push({ us: now(), direction: 'out', hex: packet.toString('hex') });
    this.socket.write(packet);
  }

  private receive(chunk: Buffer): void {
    const us = now();
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const type = this.buffer[0];
      let length: number;
      if (type === 0x04 && this.buffer.length >= 3) length = 3 + (this.buffer[2] ?? 0);
      else if (type === 0x02 && this.buffer.length >= 5) length = 5 + this.buffer.readUInt16LE(3);
      else return;
      if (this.buffer.length < length) return;
      const packet = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      stamped.push({ us, direction: 'in', hex: packet.toString('hex') });
      this.emit('data', Buffer.from(packet));
    }
  }
}

function fail(message: string): never {
  process.stderr.write(`ble-host-pair: ${message}\n`);
  process.exit(1);
}

const transport = new StampedH4Socket(config.socket);
bleHost.BleManager.create(transport, {}, (error, manager) => {
  if (error) fail(`BleManager.create: ${error.message}`);
  manager.connect(config.addressType, config.address, {}, (connection) => {
    connection.smp.on('pairingFailed', (reason: number) => fail(`pairing failed, reason ${reason}`));
    connection.smp.once('pairingComplete', () =>
      (connection as unknown as { disconnect(): void }).disconnect(),
    );
    connection.once('disconnect', () => {
      process.stdout.write(`${JSON.stringify({ packets: stamped })}\n`);
      transport.socket.destroy();
      process.exit(0);
    });
    connection.smp.sendPairingRequest({ ioCap: 3, mitm: false, sc: true, bondingFlags: 1, maxKeySize: 16 });
  });
});
