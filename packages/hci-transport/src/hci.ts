import { randomBytes } from 'node:crypto';
import {
  hexNumber,
  type Logger,
  type PacketBoundaryFlag,
  silentLogger,
  TypedEmitter,
  withBindings,
} from '@tsble/base';
import { AclFlow } from './acl-flow.js';
import { BtsnoopWriter } from './btsnoop.js';
import { CommandFlow } from './command-flow.js';
import { type CommandName, Commands } from './commands.js';
import { refusedConnectionEvent } from './connection-guard.js';
import { HciStatus, Manufacturer, opcodeName } from './constants.js';
import { HardwareErrorBudget, logSyncChange, RareWarnings } from './controller-health.js';
import { isDecodeError } from './decode-error.js';
import { HciAbortError, HciError } from './errors.js';
import { decodeEventValue, type HciEvent } from './events.js';
import { decodeLayoutValues, encodeLayout, type LayoutValues } from './fields.js';
import type { H4SyncChange } from './h4-framer.js';
import { type HciEventMap, routeEvent } from './hci-events.js';
import { describePacket, type HciPacket } from './packet.js';
import { bringUp, type ControllerInfo } from './startup.js';
import { openTransport } from './transports/open.js';
import type { HciTransport } from './transports/transport.js';

export interface HciOptions {
  /** pino logger; the layer logs through a child `{ layer: 'hci' }`, packets at trace. Default: silent. */
  logger?: Logger;
  /** Capture every packet to this btsnoop file (or writer). */
  btsnoop?: string | BtsnoopWriter;
  /** Per-command timeout. Default 5000 ms. */
  commandTimeoutMs?: number;
  /**
   * How long commands may wait for a command credit the controller never grants before they fail with
   * HciCreditTimeoutError. Default 4000 ms (Linux's HCI_NCMD_TIMEOUT).
   */
  creditTimeoutMs?: number;
  /**
   * Ends `open` at once when aborted (Ctrl-C, SIGTERM): every wait of the start-up stops, the transport is
   * closed, and `open` rejects with HciAbortError (name 'AbortError', code 'aborted').
   */
  signal?: AbortSignal;
  /** Per-attempt HCI Reset timeout during bring-up (two attempts). Default 1500 ms. */
  resetTimeoutMs?: number;
  /** Static random address to use when the controller has no public address (from the bond store). */
  staticAddress?: Uint8Array;
}

const noParameters = new Uint8Array(0);

type Params<N extends CommandName> = LayoutValues<(typeof Commands)[N]['params']>;
type Returns<N extends CommandName> = LayoutValues<(typeof Commands)[N]['returns']>;

/** The ACL door to L2CAP for one connection: fragments no longer than `maxFragmentLength`. */
export interface AclLink {
  handle: number;
  maxFragmentLength: number;
  send(packetBoundary: PacketBoundaryFlag, data: Uint8Array): Promise<void>;
}

/**
 * The HCI command/event layer over one transport: command flow control with timeouts, typed events, LE ACL
 * with controller-buffer flow control, and hardware-error recovery. Open with `Hci.open`.
 */
export class Hci extends TypedEmitter<HciEventMap> {
  readonly logger: Logger;
  #info: ControllerInfo;
  #phase: 'resetting' | 'starting' | 'ready' | 'closed' = 'resetting';
  readonly #commands: CommandFlow;
  readonly #acl: AclFlow;
  readonly #connections = new Set<number>();
  readonly #btsnoop: BtsnoopWriter | undefined;
  readonly #commandTimeoutMs: number;
  /** Made at the first warning or hardware error: most controllers never give one, and Hci opens cold. */
  #rareWarnings: RareWarnings | undefined;
  #hardwareErrorBudget: HardwareErrorBudget | undefined;

  private constructor(
    readonly transport: HciTransport,
    private readonly options: HciOptions,
  ) {
    super();
    this.logger = withBindings(options.logger ?? silentLogger, { layer: 'hci' });
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    this.#btsnoop =
      typeof options.btsnoop === 'string' ? new BtsnoopWriter(options.btsnoop) : options.btsnoop;
    // Every field named, creditTimeoutMs undefined when not given (CommandFlow defaults it): a conditional spread
    // into the literal costs V8 a new hidden class per Hci.
    this.#commands = new CommandFlow((opcode, params) => this.#send({ type: 'command', opcode, params }), {
      creditTimeoutMs: options.creditTimeoutMs,
      onCreditTimeout: (error) => {
        this.logger.error({ err: error }, 'controller stopped granting command credits');
        this.emit('error', error);
      },
      // A controller that stops answering is a controller failure even when the caller shrugs the command
      // off (a best-effort disable): the application hears of it. During start-up `open` itself rejects.
      onTimeout: (error) => {
        if (this.#phase !== 'ready') return;
        this.logger.error({ err: error }, 'controller did not answer a command');
        this.emit('error', error);
      },
    });
    this.#acl = new AclFlow(1, (handle, packetBoundary, data) =>
      this.#send({ type: 'acl', handle, packetBoundary, broadcast: 0, data }),
    );
    this.#info = undefined as unknown as ControllerInfo;
    transport.on('packet', (packet) => this.#receive(packet));
    transport.on('error', (error) => this.emit('error', error));
    transport.on('sync', (change) => this.#onSync(change));
    transport.on('close', () => this.#onClosed());
  }

  /**
   * Opens the HCI layer: on a transport object, or a spec string (see `openTransport`). Runs the start-up
   * sequence and resolves when the controller is ready; rejects with an HciError (`no-controller` when nothing
   * answers Reset, naming the port and the likely fixes), closing the transport.
   */
  static async open(transport: HciTransport | string, options: HciOptions = {}): Promise<Hci> {
    const { signal } = options;
    const description = typeof transport === 'string' ? transport : transport.description;
    const aborted = (cause?: unknown) =>
      new HciAbortError(`HCI start-up on ${description}`, cause === undefined ? undefined : { cause });
    if (signal?.aborted) {
      if (typeof transport !== 'string') await transport.close();
      throw aborted();
    }
    // A transport object needs no opening: no await (and no async call) for it.
    const t = typeof transport === 'string' ? await openTransport(transport) : transport;
    const hci = new Hci(t, options);
    // Closing the transport fails every command waiting in the start-up at once: no wait outlives the abort.
    const onAbort = () => void hci.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) throw aborted();
      await hci.#bringUp();
      if (signal?.aborted) throw aborted();
    } catch (error) {
      await hci.close();
      throw signal?.aborted && !(error instanceof HciAbortError) ? aborted(error) : error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return hci;
  }

  /** What the start-up sequence learnt: identity, versions, features, LE buffers. */
  get info(): ControllerInfo {
    return this.#info;
  }

  /** Largest ACL payload per HCI packet the controller accepts. */
  get leAclDataPacketLength(): number {
    return this.#info.leAclDataPacketLength;
  }

  /** Number of ACL packets the controller can hold at once. */
  get leAclDataPacketCount(): number {
    return this.#info.totalNumLeAclDataPackets;
  }

  /** Free controller ACL buffers right now (for tests and diagnostics). */
  get aclCredits(): number {
    return this.#acl.credits;
  }

  /**
   * Sends any command; resolves with the return parameters after Status (empty for commands answered by
   * Command Status), rejects with HciCommandError on a non-zero status or HciTimeoutError.
   */
  command(
    opcode: number,
    params: Uint8Array = new Uint8Array(0),
    timeoutMs = this.#commandTimeoutMs,
  ): Promise<Uint8Array> {
    return this.#commands.submit(opcode, params, timeoutMs);
  }

  /** Sends a command from the typed table (`Commands`) and decodes its return parameters. */
  async execute<N extends CommandName>(name: N, params: Params<N>, timeoutMs?: number): Promise<Returns<N>> {
    const spec = Commands[name];
    // Most commands have no parameters: one shared empty array (nothing can be written into it) for all of them.
    const encoded = spec.params.length === 0 ? noParameters : encodeLayout(spec.params, params as never);
    const returns = await this.command(spec.opcode, encoded, timeoutMs);
    const decoded = decodeLayoutValues(spec.returns, returns);
    if (isDecodeError(decoded)) {
      throw new HciError(
        'command-failed',
        `${opcodeName(spec.opcode)} returned malformed parameters: ${decoded.reason}`,
      );
    }
    return decoded as unknown as Returns<N>;
  }

  /**
   * Sends one HCI ACL data packet (an already fragmented payload, at most `leAclDataPacketLength` octets).
   * Resolves once handed to the controller; waits for a free controller buffer first. `packetBoundary` is 0x00
   * for the first fragment of a PDU and 0x01 for the rest. Rejects with `acl-disconnected` when the link is
   * (or goes) down before the packet leaves, `acl-too-long` for an oversized payload.
   */
  sendAcl(handle: number, packetBoundary: PacketBoundaryFlag, data: Uint8Array): Promise<void> {
    if (data.length > this.leAclDataPacketLength) {
      return Promise.reject(
        new HciError(
          'acl-too-long',
          `ACL payload of ${data.length} octets exceeds the controller's ${this.leAclDataPacketLength}`,
        ),
      );
    }
    if (!this.#connections.has(handle)) {
      return Promise.reject(
        new HciError('acl-disconnected', `no connection with handle 0x${handle.toString(16)}`),
      );
    }
    return this.#acl.send(handle, packetBoundary, data);
  }

  /** An AclLink for one connection handle. */
  aclLink(handle: number): AclLink {
    return {
      handle,
      maxFragmentLength: this.leAclDataPacketLength,
      send: (packetBoundary, data) => this.sendAcl(handle, packetBoundary, data),
    };
  }

  /** Connection handles the controller reported and has not disconnected. */
  get connectionHandles(): ReadonlySet<number> {
    return this.#connections;
  }

  async close(): Promise<void> {
    if (this.#phase === 'closed') return;
    await this.transport.close();
    this.#onClosed();
  }

  async #bringUp(staticAddress = this.options.staticAddress): Promise<void> {
    this.#phase = 'resetting';
    this.#info = await bringUp(
      {
        execute: (name, params, timeoutMs) => this.execute(name, params, timeoutMs),
        command: (opcode, params, timeoutMs) => this.command(opcode, params, timeoutMs),
        // Absent members are undefined rather than spread in: spreads into a literal cost V8 a new hidden
        // class per call.
        writeRaw: this.transport.writeRaw
          ? (bytes: Uint8Array) => this.transport.writeRaw?.(bytes) ?? Promise.resolve()
          : undefined,
        description: this.transport.description,
        logger: this.logger,
      },
      {
        resetTimeoutMs: this.options.resetTimeoutMs ?? 1500,
        randomBytes: (n) => new Uint8Array(randomBytes(n)),
        staticAddress,
      },
    );
    this.#acl.resize(this.#info.totalNumLeAclDataPackets);
    this.#phase = 'ready';
  }

  #warnings(): RareWarnings {
    this.#rareWarnings ??= new RareWarnings(this.logger);
    return this.#rareWarnings;
  }

  #hardwareErrors(): HardwareErrorBudget {
    this.#hardwareErrorBudget ??= new HardwareErrorBudget();
    return this.#hardwareErrorBudget;
  }

  /**
   * Whether packets are logged: describing one costs string building that a silent logger would discard. A
   * logger without pino's isLevelEnabled is asked to trace every packet, as before.
   */
  #tracing(): boolean {
    return this.logger.isLevelEnabled?.('trace') ?? true;
  }

  #send(packet: HciPacket): Promise<void> {
    if (this.#tracing()) this.logger.trace({ packet: describePacket(packet) }, 'send');
    this.#btsnoop?.write(packet, 'sent');
    return this.transport.send(packet);
  }

  #receive(packet: HciPacket): void {
    if (this.#tracing()) this.logger.trace({ packet: describePacket(packet) }, 'receive');
    this.#btsnoop?.write(packet, 'received');
    if (packet.type === 'acl') {
      if (this.#phase !== 'ready') return;
      // Data for a link the controller never reported (or already ended) has no one to go to; Zephyr drops it
      // the same way ("Unable to find conn for handle").
      if (!this.#connections.has(packet.handle)) {
        this.#warnings().warn(
          'acl',
          { handle: packet.handle },
          'ACL data for an unknown connection handle dropped',
        );
        return;
      }
      this.emit('acl', packet.handle, packet.packetBoundary, packet.data);
      return;
    }
    if (packet.type !== 'event') return;
    const event = decodeEventValue(packet);
    if (isDecodeError(event)) {
      this.logger.warn({ packet: describePacket(packet), reason: event.reason }, 'malformed event ignored');
      return;
    }
    // Event 0xFF is every vendor's: only Zephyr's controller (company 0x05F1) means a crash by it. Another
    // vendor's event with the same first octet is just an unknown vendor event.
    if (event.kind === 'zephyr-fatal-error' && this.#info?.manufacturer !== Manufacturer.zephyr) {
      this.#dispatch({ kind: 'other', code: packet.code, params: packet.params });
      return;
    }
    this.#dispatch(event);
  }

  #dispatch(event: HciEvent): void {
    // Until Reset completes, the controller may still be reporting the previous session: ignore all of it.
    if (this.#phase === 'resetting') {
      if (event.kind === 'command-complete' && event.commandOpcode === Commands.reset.opcode)
        this.#phase = 'starting';
      else if (event.kind !== 'command-complete' && event.kind !== 'command-status') return;
    }
    switch (event.kind) {
      case 'command-complete':
        this.#commands.onCommandComplete(
          event.numHciCommandPackets,
          event.commandOpcode,
          event.returnParameters,
        );
        return;
      case 'command-status':
        this.#commands.onCommandStatus(event.status, event.numHciCommandPackets, event.commandOpcode);
        return;
      case 'number-of-completed-packets':
        this.#onCompletedPackets(event.completed);
        return;
      case 'hardware-error':
        this.#onHardwareError(event.hardwareCode);
        return;
    }
    if (this.#phase !== 'ready') return;
    if (
      event.kind === 'disconnection-complete' &&
      event.status !== HciStatus.success &&
      this.#connections.has(event.connectionHandle)
    ) {
      // Core 6.0 Vol 4 Part E 7.7.5: the Disconnect failed and the link is still up.
      this.logger.warn(
        { handle: event.connectionHandle, status: event.status },
        'Disconnect failed; the link stays up',
      );
      this.emit('disconnectionFailed', event);
      return;
    }
    const refused = refusedConnectionEvent(event, this.#connections);
    if (refused !== undefined) {
      this.logger.warn({ event: event.kind }, `impossible event ignored: ${refused}`);
      return;
    }
    if (event.kind === 'le-connection-complete' && event.status === HciStatus.success) {
      this.#connections.add(event.connectionHandle);
    }
    if (event.kind === 'disconnection-complete') {
      this.#connections.delete(event.connectionHandle);
      this.#acl.onDisconnected(
        event.connectionHandle,
        new HciError('acl-disconnected', `connection 0x${event.connectionHandle.toString(16)} disconnected`),
      );
    }
    routeEvent((name, ...args) => this.emit(name, ...args), event);
  }

  /** Core 6.0 Vol 4 Part E 7.7.19; unknown handles and counts above what was sent are warned about and ignored. */
  #onCompletedPackets(completed: readonly { connectionHandle: number; numCompletedPackets: number }[]): void {
    // Before start-up ends there are no links, and Reset emptied the controller's buffers.
    if (this.#phase !== 'ready') return;
    for (const { connectionHandle: handle, numCompletedPackets: count } of completed) {
      if (!this.#connections.has(handle)) {
        this.#warnings().warn(
          'nocp-handle',
          { handle, count },
          'Number Of Completed Packets for an unknown handle ignored',
        );
        continue;
      }
      const bogus = this.#acl.onCompleted(handle, count);
      if (bogus > 0)
        this.#warnings().warn(
          'nocp-count',
          { handle, count, bogus },
          'Number Of Completed Packets returned more packets than were sent; the excess is ignored',
        );
    }
  }

  #onSync(change: H4SyncChange): void {
    logSyncChange(this.logger, this.transport.description, change);
    // The framer is in step again at the next Command Complete: ask for one now (a harmless read) rather than
    // hunt until the application happens to send a command.
    if (change.kind === 'lost' && this.#phase === 'ready')
      this.execute('readLocalVersionInformation', {}).catch((error: unknown) =>
        this.logger.debug({ err: error }, 'resynchronising read failed'),
      );
  }

  /**
   * Hardware Error (Core 6.0 Vol 4 Part E 7.7.16): the controller lost its state. During start-up the start-up
   * fails (its pending command is rejected); once ready, every connection is reported lost, pending commands
   * fail, and the layer resets the controller and runs the start-up again, then emits `reset` (the host
   * restores what it had configured). A controller that reports a fourth hardware error within a minute is
   * not reset again: `error` (HciError 'hardware-error') says so.
   */
  #onHardwareError(code: number): void {
    if (this.#phase === 'closed') return;
    const codeText = `${hexNumber(code)}`;
    this.emit('hardwareError', code);
    if (this.#phase !== 'ready') {
      this.logger.error({ hardwareCode: code }, 'controller hardware error during start-up');
      this.#commands.failAll(
        new HciError('hardware-error', `the controller reported hardware error ${codeText} during start-up`),
      );
      return;
    }
    const { count, giveUp } = this.#hardwareErrors().record();
    this.logger.error(
      { hardwareCode: code },
      giveUp
        ? 'controller hardware error, the fourth within a minute: not resetting it again'
        : 'controller hardware error: connections lost; resetting the controller and starting it again',
    );
    const error = new HciError(
      'hardware-error',
      `the controller reported hardware error ${codeText}; the command was lost and the controller ${giveUp ? 'is left as it is' : 'is being reset'}`,
    );
    this.#commands.failAll(error);
    this.#acl.failAll(error);
    for (const handle of [...this.#connections]) {
      this.#connections.delete(handle);
      this.emit('disconnection', {
        kind: 'disconnection-complete',
        status: 0,
        connectionHandle: handle,
        reason: HciStatus.hardwareFailure,
      });
    }
    if (giveUp) {
      this.#phase = 'starting';
      this.emit(
        'error',
        new HciError(
          'hardware-error',
          `the controller on ${this.transport.description} reported ${count} hardware errors within a minute (the last ${codeText}); unplug and replug it`,
        ),
      );
      return;
    }
    // The same identity after the reset: a generated static address must not change under bonded peers.
    const previous = this.#info;
    const keep = previous.addressType === 'random' ? previous.address : undefined;
    this.#bringUp(keep).then(
      () => this.emit('reset', this.#info),
      (cause: unknown) =>
        this.emit(
          'error',
          new HciError(
            'hardware-error',
            `the controller did not come back after hardware error ${codeText}: ${(cause as Error).message}`,
            { cause },
          ),
        ),
    );
  }

  #onClosed(): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    // Made only if something is waiting or asks later: a capture of the stack on every close is not free.
    let error: HciError | undefined;
    const closedError = () => {
      error ??= new HciError('closed', `HCI on ${this.transport.description} is closed`);
      return error;
    };
    this.#commands.failAll(closedError, true);
    this.#acl.failAll(closedError);
    this.#connections.clear();
    this.#btsnoop?.close();
    this.emit('close');
  }
}
