import { TypedEmitter } from '@tsble/base';
import {
  encodeEvent,
  encodeH4,
  H4Framer,
  type HciAclPacket,
  type HciEvent,
  type HciPacket,
  HciStatus,
  Opcode,
  opcodeName,
} from '@tsble/hci-transport';
import type { VirtualAir } from './air.js';
import { type FaultRule, faultFor } from './faults.js';
import { commandHandlers, type Reply } from './handlers/index.js';
import { ControllerToHostFlow, hostNumberOfCompletedPacketsOpcode } from './host-flow.js';
import type { Link } from './link.js';
import { type ControllerOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { ControllerState } from './state.js';

type ControllerEvents = {
  /** H4 octets for the host. */
  bytes: (bytes: Uint8Array) => void;
  /** The controller's end of the transport closes (fault `unplug`, or `close()`). */
  unplug: () => void;
  violation: (message: string) => void;
  /**
   * Every well-formed packet crossing the controller's HCI, for captures: `sent` by the host (commands, ACL it
   * sends), `received` by it (events, ACL from the air), as btsnoop names directions.
   */
  packet: (packet: HciPacket, direction: 'sent' | 'received') => void;
};

interface Outgoing {
  packet: HciPacket;
  delivered?: () => void;
}

/**
 * One emulated LE controller on a VirtualAir. It takes H4 octets from its host (through an H4 framer, so
 * resynchronisation is exercised), runs commands from a per-opcode handler table, and sends events and ACL
 * back as H4 octets, one packet per `bytes` event, asynchronously and in order.
 */
export class VirtualController extends TypedEmitter<ControllerEvents> {
  readonly options: ResolvedOptions;
  readonly state: ControllerState;
  /** Every flow-control violation by the host, in order. Strict tests expect this to stay empty. */
  readonly violations: string[] = [];
  /** Opcodes of every command received, in order (tests check what a host sent). */
  readonly commandLog: number[] = [];
  readonly #framer: H4Framer;
  readonly #outbox: Outgoing[] = [];
  #flushScheduled = false;
  #sentToHost = 0;
  #commandCreditsLeft = 1;
  #dead = false;

  constructor(
    readonly air: VirtualAir,
    options: ControllerOptions = {},
  ) {
    super();
    this.options = resolveOptions(options);
    this.state = new ControllerState(this.options);
    this.#framer = new H4Framer({
      accept: ['command', 'acl', 'iso', 'sco'],
      checkHeaders: this.options.zephyr === undefined,
    });
  }

  get name(): string {
    return this.options.name;
  }

  /**
   * Opcodes this controller answers (its handler table, less what its options turn off): what Read Local
   * Supported Commands reports.
   */
  get implementedOpcodes(): number[] {
    return [...commandHandlers.keys()].filter(
      (opcode) =>
        (opcode !== Opcode.leReadBufferSizeV2 || this.options.leReadBufferSizeV2) &&
        (opcode < 0xfc00 || this.options.zephyr !== undefined),
    );
  }

  /** ACL buffers currently holding host data. */
  get aclBuffersInUse(): number {
    let held = 0;
    for (const n of this.state.aclHeldPerHandle.values()) held += n;
    return held;
  }

  /** Packets sent to the host so far (the numbering fault rules use). */
  get packetsToHost(): number {
    return this.#sentToHost;
  }

  /** Adds a fault rule; `at` counts from the first packet ever sent (see `packetsToHost`). */
  addFault(rule: FaultRule): void {
    this.options.faults.push(rule);
  }

  /** Octets from the host. */
  receiveFromHost(bytes: Uint8Array): void {
    if (this.#dead) return;
    for (const packet of this.#framer.push(bytes)) this.#handle(packet);
  }

  /** Queues an event for the host, honouring the event masks for maskable events. */
  sendEvent(event: HciEvent, delivered?: () => void): void {
    if (!this.state.eventEnabled(event)) return;
    this.#queue({ packet: encodeEvent(event), ...(delivered ? { delivered } : {}) });
  }

  /** Controller-to-host flow control (off until the host turns it on). */
  readonly hostFlow = new ControllerToHostFlow((packet) => this.#queue({ packet }));

  /** Queues ACL data received over the air for the host, within the host's buffers when it asked for that. */
  sendAcl(packet: HciAclPacket): void {
    this.hostFlow.send(packet);
  }

  /** Records a host violation (overrun, too many commands), as strict hardware would fail on it. */
  violation(message: string): void {
    const text = `${this.name}: ${message}`;
    this.violations.push(text);
    this.emit('violation', text);
    this.options.onViolation?.(text);
  }

  /** Called by a link when the peer has taken an ACL packet off the air: the buffer is free again. */
  completeAcl(handle: number): void {
    this.#pendingCompletions.set(handle, (this.#pendingCompletions.get(handle) ?? 0) + 1);
    if (this.#completionScheduled) return;
    this.#completionScheduled = true;
    setImmediate(() => this.#sendCompletions());
  }

  /** A link of ours went down: its buffers are flushed without Number Of Completed Packets. */
  releaseLink(link: Link): void {
    const handle = link.handleOf(this);
    this.#pendingCompletions.delete(handle);
    this.state.aclHeldPerHandle.delete(handle);
    this.hostFlow.linkGone(handle);
  }

  /** Closes the controller's end (as an unplugged dongle would). */
  unplug(): void {
    this.#dead = true;
    this.state.resolving.stop();
    this.air.detach(this);
    this.emit('unplug');
  }

  readonly #pendingCompletions = new Map<number, number>();
  #completionScheduled = false;

  #sendCompletions(): void {
    this.#completionScheduled = false;
    // A link that went down meanwhile gets no completions: its buffers were flushed with the disconnection.
    const completed = [...this.#pendingCompletions]
      .filter(([handle]) => this.air.linkFor(this, handle) !== undefined)
      .map(([connectionHandle, numCompletedPackets]) => ({ connectionHandle, numCompletedPackets }));
    this.#pendingCompletions.clear();
    if (completed.length === 0) return;
    // Buffers are freed only once the event is on its way to the host: a host that sends before it could
    // know about the free buffer is overrunning, and strict mode must see that.
    this.sendEvent({ kind: 'number-of-completed-packets', completed }, () => {
      for (const c of completed) {
        const held = this.state.aclHeldPerHandle.get(c.connectionHandle) ?? 0;
        const freed = Math.min(held, c.numCompletedPackets);
        if (held > 0) this.state.aclHeldPerHandle.set(c.connectionHandle, held - freed);
      }
    });
  }

  #handle(packet: HciPacket): void {
    this.emit('packet', packet, 'sent');
    if (packet.type === 'command') this.#command(packet.opcode, packet.params);
    else if (packet.type === 'acl') this.#acl(packet);
  }

  #command(opcode: number, params: Uint8Array): void {
    this.commandLog.push(opcode);
    // Host Number Of Completed Packets needs no credit and gets no answer unless it is malformed. 7.3.40.
    const exempt = opcode === hostNumberOfCompletedPacketsOpcode;
    if (!exempt) {
      if (this.#commandCreditsLeft <= 0) {
        this.violation(`command ${opcodeName(opcode)} sent without a Num_HCI_Command_Packets credit`);
      }
      this.#commandCreditsLeft--;
    }
    const handler = commandHandlers.get(opcode);
    let reply: Reply;
    if (handler === undefined || (opcode >= 0xfc00 && this.options.zephyr === undefined)) {
      reply = { status: HciStatus.unknownCommand, complete: true };
    } else {
      reply = handler(this, params);
    }
    if (reply.silent) {
      reply.after?.();
      return;
    }
    const grant = () => {
      this.#commandCreditsLeft = this.options.commandCredits;
    };
    if (reply.complete) {
      const returns = reply.returns ?? Uint8Array.of(reply.status);
      this.#queue({
        packet: encodeEvent({
          kind: 'command-complete',
          numHciCommandPackets: this.options.commandCredits,
          commandOpcode: opcode,
          returnParameters: returns,
        }),
        delivered: grant,
      });
    } else {
      this.#queue({
        packet: encodeEvent({
          kind: 'command-status',
          status: reply.status,
          numHciCommandPackets: this.options.commandCredits,
          commandOpcode: opcode,
        }),
        delivered: grant,
      });
    }
    reply.after?.();
  }

  #acl(packet: HciAclPacket): void {
    if (packet.data.length > this.options.aclLength) {
      this.violation(
        `ACL packet of ${packet.data.length} octets exceeds the ${this.options.aclLength}-octet buffers`,
      );
      return;
    }
    if (this.aclBuffersInUse >= this.options.aclCount) {
      this.violation(`ACL packet sent with all ${this.options.aclCount} controller buffers full`);
      this.sendEvent({ kind: 'data-buffer-overflow', linkType: 0x01 });
      return;
    }
    const link = this.air.linkFor(this, packet.handle);
    if (link === undefined) return; // Data for a handle that is gone is dropped, as a controller does.
    this.state.aclHeldPerHandle.set(packet.handle, (this.state.aclHeldPerHandle.get(packet.handle) ?? 0) + 1);
    link.transmit(this, packet);
  }

  #queue(item: Outgoing): void {
    if (this.#dead) return;
    this.#outbox.push(item);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    for (const item of this.#outbox.splice(0)) {
      if (this.#dead) return;
      this.#deliver(item);
    }
  }

  #deliver(item: Outgoing): void {
    const n = ++this.#sentToHost;
    const fault = faultFor(this.options.faults, n);
    if (fault === undefined) {
      this.#emitPacket(item);
      return;
    }
    switch (fault.action) {
      case 'drop':
        item.delivered?.();
        return;
      case 'delay':
        setTimeout(() => this.#emitPacket(item), fault.delayMs ?? 100);
        return;
      case 'corrupt': {
        const bytes = encodeH4(item.packet);
        const at = Math.max(1, bytes.length - 1);
        bytes[at] = (bytes[at] ?? 0) ^ 0xff;
        this.emit('bytes', bytes);
        item.delivered?.();
        return;
      }
      case 'garbage':
        this.emit('bytes', fault.bytes ?? Uint8Array.of(0x00, 0xa5));
        this.#emitPacket(item);
        return;
      case 'disconnect':
        this.air.dropLinks(this, HciStatus.connectionTimeout);
        this.#emitPacket(item);
        return;
      case 'unplug':
        this.unplug();
        return;
      case 'hardware-error':
        this.emit('bytes', encodeH4(encodeEvent({ kind: 'hardware-error', hardwareCode: 0x42 })));
        item.delivered?.();
        return;
      case 'crash':
        this.emit(
          'bytes',
          encodeH4(
            encodeEvent({ kind: 'zephyr-fatal-error', dataType: 0x02, file: 'lll_conn.c', line: 1234 }),
          ),
        );
        this.#dead = true;
        this.state.resolving.stop();
        this.air.detach(this);
        return;
    }
  }

  #emitPacket(item: Outgoing): void {
    this.emit('packet', item.packet, 'received');
    this.emit('bytes', encodeH4(item.packet));
    item.delivered?.();
  }
}
