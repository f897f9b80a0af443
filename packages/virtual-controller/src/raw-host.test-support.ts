import { EventCode, encodeH4, H4Framer, type HciAclPacket, type HciEventPacket } from '@tsble/hci-transport';
import type { VirtualController } from './controller.js';

/** What a controller answered to one command. */
export interface CommandAnswer {
  /** Command Complete (with return parameters after Status) or Command Status. */
  kind: 'complete' | 'status';
  status: number;
  returns: Uint8Array;
}

/**
 * A bare host for tests: writes command octets straight into a virtual controller and reads its answers and
 * events back as H4, with no tsble host logic in between. It replays other hosts' command sequences exactly.
 */
export class RawHost {
  readonly events: HciEventPacket[] = [];
  /** ACL packets from the controller, in order. */
  readonly acl: HciAclPacket[] = [];
  readonly #framer = new H4Framer({ accept: ['event', 'acl'] });
  #waiting: ((packet: HciEventPacket) => boolean)[] = [];

  constructor(readonly controller: VirtualController) {
    controller.on('bytes', (bytes) => {
      for (const packet of this.#framer.push(bytes)) {
        if (packet.type === 'acl') this.acl.push(packet);
        if (packet.type !== 'event') continue;
        this.events.push(packet);
        this.#waiting = this.#waiting.filter((take) => !take(packet));
      }
    });
  }

  /** Sends one command and resolves with the Command Complete or Command Status that answers it. */
  command(opcode: number, params: Uint8Array = new Uint8Array(0)): Promise<CommandAnswer> {
    const answer = new Promise<CommandAnswer>((resolve) => {
      this.#waiting.push((packet) => {
        const p = packet.params;
        if (packet.code === EventCode.commandComplete && ((p[1] ?? 0) | ((p[2] ?? 0) << 8)) === opcode) {
          resolve({ kind: 'complete', status: p[3] ?? -1, returns: p.slice(4) });
          return true;
        }
        if (packet.code === EventCode.commandStatus && ((p[2] ?? 0) | ((p[3] ?? 0) << 8)) === opcode) {
          resolve({ kind: 'status', status: p[0] ?? -1, returns: new Uint8Array(0) });
          return true;
        }
        return false;
      });
    });
    const bytes = new Uint8Array(4 + params.length);
    bytes[0] = 0x01;
    bytes[1] = opcode & 0xff;
    bytes[2] = opcode >> 8;
    bytes[3] = params.length;
    bytes.set(params, 4);
    this.controller.receiveFromHost(bytes);
    return answer;
  }

  /** Sends a command without waiting for an answer (Host Number Of Completed Packets gets none). */
  send(opcode: number, params: Uint8Array): void {
    this.controller.receiveFromHost(encodeH4({ type: 'command', opcode, params }));
  }

  /** Sends one ACL packet (first non-flushable) on `handle`. */
  sendAcl(handle: number, data: Uint8Array): void {
    this.controller.receiveFromHost(encodeH4({ type: 'acl', handle, packetBoundary: 0, broadcast: 0, data }));
  }

  /** Resolves with the next event (from now on) that `match` accepts, or undefined after `ms`. */
  nextEvent(match: (packet: HciEventPacket) => boolean, ms = 1000): Promise<HciEventPacket | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), ms);
      this.#waiting.push((packet) => {
        if (!match(packet)) return false;
        clearTimeout(timer);
        resolve(packet);
        return true;
      });
    });
  }
}

/** Octets from hex ("2000800002008090" is read as written: first pair first). */
export function hexBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-f]/gi, '');
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) =>
    Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16),
  );
}

/** A 64-bit mask as the 8 little-endian octets HCI carries. */
export function mask64(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, true);
  return out;
}

/**
 * LE Create Connection parameters (Core 6.0 Vol 4 Part E 7.8.12) with the test links' timing: scan 10 ms,
 * 30-50 ms interval, no latency, 4 s supervision timeout.
 */
export function leCreateConnectionParams(o: {
  filterPolicy?: number;
  peerType?: number;
  peer?: Uint8Array;
  ownType?: number;
}): Uint8Array {
  return Uint8Array.of(
    ...u16(0x10),
    ...u16(0x10),
    o.filterPolicy ?? 0,
    o.peerType ?? 0,
    ...(o.peer ?? new Uint8Array(6)),
    o.ownType ?? 0,
    ...u16(24),
    ...u16(40),
    ...u16(0),
    ...u16(400),
    ...u16(0),
    ...u16(0),
  );
}

/** A 16-bit value as 2 little-endian octets. */
export function u16(value: number): Uint8Array {
  return Uint8Array.of(value & 0xff, (value >> 8) & 0xff);
}

/** A raw host on `air` whose controller reports every event (LE Meta included, Enhanced Connection Complete). */
export async function openRawHost(air: import('./air.js').VirtualAir): Promise<RawHost> {
  const host = new RawHost(air.addController());
  // The default masks leave out LE Meta (Core 6.0 Vol 4 Part E 7.3.1): turn on everything, as Bumble does.
  await host.command(0x0c01, mask64(0x3fffffffffffffffn));
  await host.command(0x2001, mask64(0xfffffn));
  return host;
}

/** Two raw hosts on a fresh air, connected (the first as central); resolves with their connection handles. */
export async function connectRawPair(
  air: import('./air.js').VirtualAir,
  prepare?: (central: RawHost, peripheral: RawHost) => Promise<void>,
): Promise<{ central: RawHost; peripheral: RawHost; centralHandle: number; peripheralHandle: number }> {
  const central = await openRawHost(air);
  const peripheral = await openRawHost(air);
  await prepare?.(central, peripheral);
  // Connectable undirected advertising from the public address, every channel.
  await peripheral.command(0x2006, Uint8Array.of(0x20, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0));
  await peripheral.command(0x200a, Uint8Array.of(1));
  const address = (await peripheral.command(0x1009)).returns;
  const connected = (host: RawHost) =>
    host.nextEvent((e) => e.code === EventCode.leMeta && (e.params[0] === 0x01 || e.params[0] === 0x0a));
  const both = Promise.all([connected(central), connected(peripheral)]);
  const create = new Uint8Array(25);
  create.set(u16(0x10), 0);
  create.set(u16(0x10), 2);
  create.set(address, 6);
  create.set(u16(24), 13);
  create.set(u16(40), 15);
  create.set(u16(400), 19);
  await central.command(0x200d, create);
  const [c, p] = await both;
  const handle = (e: HciEventPacket | undefined) =>
    ((e?.params[2] ?? 0) | ((e?.params[3] ?? 0) << 8)) & 0x0fff;
  return { central, peripheral, centralHandle: handle(c), peripheralHandle: handle(p) };
}
