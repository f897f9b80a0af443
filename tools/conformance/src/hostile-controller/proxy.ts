/**
 * A hostile controller: tsble's virtual controller served as H4 over a real unix socket, with a man in the
 * middle that can rewrite, split, delay, swallow or add packets in either direction. The host under test
 * connects with transport `unix:PATH`, exactly as it would to `tsble sim --listen` or BlueZ's btvirt; the
 * virtual controller underneath keeps the honest part (start-up answers, advertising, links, ACL data) real.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEvent, encodeH4, H4Framer, type HciEvent, type HciPacket } from '@tsble/hci-transport';
import type { ControllerOptions, VirtualAir, VirtualController } from '@tsble/virtual-controller';

/** What goes to the host instead of a packet: octets, a pause, or the socket closing. */
export type Out = Uint8Array | { pauseMs: number } | 'close';

export interface HostileContext {
  /** The virtual controller doing the honest work. */
  readonly controller: VirtualController;
  /** Opcodes the host sent, in order. */
  readonly commands: number[];
  /** Packets the controller produced for the host so far (before any rewriting). */
  readonly packetsOut: number;
  /** Sends octets (or a packet, or an event) to the host now, after anything already queued. */
  inject(...items: (Out | HciPacket | HciEvent)[]): void;
}

export interface Misbehaviour {
  /** The honest controller underneath (default: a plain virtual controller); read when the host connects. */
  controllerOptions?: ControllerOptions;
  /** Written before anything else once the host connects (a dongle left mid-packet). */
  onOpen?(ctx: HostileContext): Out[];
  /**
   * A command from the host: `pass` hands it to the controller, `swallow` never answers it, and a list of
   * outputs answers it with those instead.
   */
  onCommand?(opcode: number, params: Uint8Array, ctx: HostileContext): 'pass' | 'swallow' | Out[];
  /** A packet from the controller: undefined passes it unchanged; a list replaces it. */
  onPacket?(packet: HciPacket, ctx: HostileContext): Out[] | undefined;
}

/** The Command Complete the host is waiting for, with the given return parameters and credits. */
export function commandComplete(opcode: number, returns: Uint8Array, credits = 1): Uint8Array {
  return h4({
    kind: 'command-complete',
    numHciCommandPackets: credits,
    commandOpcode: opcode,
    returnParameters: returns,
  });
}

/** H4 octets of a decoded event or a packet. */
export function h4(item: HciPacket | HciEvent): Uint8Array {
  return 'kind' in item ? encodeH4(encodeEvent(item)) : encodeH4(item);
}

/** Splits octets into chunks of `size` with a pause between them. */
export function split(bytes: Uint8Array, size: number, pauseMs = 0): Out[] {
  const out: Out[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    if (at > 0 && pauseMs > 0) out.push({ pauseMs });
    out.push(bytes.subarray(at, at + size));
  }
  return out;
}

export class HostileController {
  readonly spec: string;
  /** The host's end of the socket closed (the host closed its transport, or we closed the socket). */
  hostClosed = false;
  #socket: Socket | undefined;
  #ctx: (HostileContext & { packetsOut: number }) | undefined;
  /** Everything for the host goes through one ordered queue, so pauses delay what follows them. */
  #queue: Out[] = [];
  #draining = false;
  #closed = false;

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    readonly path: string,
    private readonly air: VirtualAir,
    private readonly misbehaviour: Misbehaviour,
  ) {
    this.spec = `unix:${path}`;
  }

  /** Listens on a fresh unix socket in a temporary directory. */
  static async listen(air: VirtualAir, misbehaviour: Misbehaviour): Promise<HostileController> {
    const dir = mkdtempSync(join(tmpdir(), 'tsble-hostile-'));
    const path = join(dir, 'hci.sock');
    let self: HostileController | undefined;
    const server = createServer((socket) => self?.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    self = new HostileController(server, dir, path, air, misbehaviour);
    return self;
  }

  /** The controller serving the connected host (once it connected). */
  get controller(): VirtualController | undefined {
    return this.#ctx?.controller;
  }

  get context(): HostileContext | undefined {
    return this.#ctx;
  }

  private accept(socket: Socket): void {
    if (this.#socket) {
      socket.destroy();
      return;
    }
    this.#socket = socket;
    const controller = this.air.addController({ name: 'hostile', ...this.misbehaviour.controllerOptions });
    const commands: number[] = [];
    const ctx = {
      controller,
      commands,
      packetsOut: 0,
      inject: (...items: (Out | HciPacket | HciEvent)[]) => {
        for (const item of items)
          this.#push(item instanceof Uint8Array || item === 'close' || 'pauseMs' in item ? item : h4(item));
      },
    };
    this.#ctx = ctx;
    for (const out of this.misbehaviour.onOpen?.(ctx) ?? []) this.#push(out);
    // The controller emits one H4 packet per `bytes` event; a framer that trusts every length reads it back.
    const fromController = new H4Framer({
      accept: ['event', 'acl', 'sco', 'iso'],
      checkHeaders: false,
      syncsOn: () => true,
    });
    controller.on('bytes', (bytes) => {
      for (const packet of fromController.push(bytes)) {
        ctx.packetsOut++;
        const replaced = this.misbehaviour.onPacket?.(packet, ctx);
        if (replaced === undefined) this.#push(encodeH4(packet));
        else for (const out of replaced) this.#push(out);
      }
    });
    controller.on('unplug', () => this.#push('close'));
    const fromHost = new H4Framer({ accept: ['command', 'acl'], checkHeaders: false, syncsOn: () => true });
    socket.on('data', (chunk: Buffer) => {
      for (const packet of fromHost.push(new Uint8Array(chunk))) {
        if (packet.type !== 'command') {
          controller.receiveFromHost(encodeH4(packet));
          continue;
        }
        commands.push(packet.opcode);
        const verdict = this.misbehaviour.onCommand?.(packet.opcode, packet.params, ctx) ?? 'pass';
        if (verdict === 'pass') controller.receiveFromHost(encodeH4(packet));
        else if (verdict !== 'swallow') for (const out of verdict) this.#push(out);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.hostClosed = true;
      this.#closed = true;
      this.air.detach(controller);
    });
  }

  #push(out: Out): void {
    if (this.#closed) return;
    this.#queue.push(out);
    if (!this.#draining) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    while (this.#queue.length > 0 && !this.#closed) {
      const out = this.#queue.shift() as Out;
      const socket = this.#socket;
      if (!socket) break;
      if (out === 'close') {
        this.#closed = true;
        socket.destroy();
      } else if (out instanceof Uint8Array) {
        // Written one at a time so that a split really reaches the host as separate reads.
        await new Promise<void>((resolve) => socket.write(out, () => resolve()));
        if (this.#queue.length > 0 && this.#queue[0] instanceof Uint8Array && out.length <= 2)
          await new Promise((resolve) => setImmediate(resolve));
      } else {
        await new Promise((resolve) => setTimeout(resolve, out.pauseMs));
      }
    }
    this.#draining = false;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#socket?.destroy();
    if (this.#ctx) this.air.detach(this.#ctx.controller);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
