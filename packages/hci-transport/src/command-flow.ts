import { opcodeName } from './constants.js';
import { HciCommandError, HciError, HciTimeoutError } from './errors.js';

interface QueuedCommand {
  opcode: number;
  params: Uint8Array;
  timeoutMs: number;
  resolve: (returnParameters: Uint8Array) => void;
  reject: (error: HciError) => void;
  timer?: NodeJS.Timeout;
}

/**
 * HCI command flow control. Core 6.0 Vol 4 Part E 4.4: the host may send only as many commands as the last
 * Command Complete/Status granted in Num_HCI_Command_Packets (one, initially and on Zephyr, always). Commands
 * wait in order; each sent one has its own timeout and is matched to the oldest in-flight command with the
 * same opcode.
 */
export class CommandFlow {
  #credits = 1;
  readonly #queue: QueuedCommand[] = [];
  readonly #inFlight: QueuedCommand[] = [];
  #closedWith: (() => HciError) | undefined;

  constructor(private readonly write: (opcode: number, params: Uint8Array) => Promise<void>) {}

  /** Commands waiting for a credit plus commands awaiting their completion. */
  get outstanding(): number {
    return this.#queue.length + this.#inFlight.length;
  }

  /** Queues a command; resolves with its return parameters after Status (empty for Command Status). */
  submit(opcode: number, params: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    if (this.#closedWith) return Promise.reject(this.#closedWith());
    return new Promise((resolve, reject) => {
      this.#queue.push({ opcode, params, timeoutMs, resolve, reject });
      this.#pump();
    });
  }

  /** Command Complete: status is the first return parameter for every command this stack sends. */
  onCommandComplete(numHciCommandPackets: number, opcode: number, returnParameters: Uint8Array): void {
    this.#credits = numHciCommandPackets;
    const command = this.#takeInFlight(opcode);
    if (command) {
      const status = returnParameters[0] ?? 0;
      if (status === 0) command.resolve(returnParameters.subarray(1));
      else command.reject(new HciCommandError(opcode, status));
    }
    this.#pump();
  }

  onCommandStatus(status: number, numHciCommandPackets: number, opcode: number): void {
    this.#credits = numHciCommandPackets;
    const command = this.#takeInFlight(opcode);
    if (command) {
      if (status === 0) command.resolve(new Uint8Array(0));
      else command.reject(new HciCommandError(opcode, status));
    }
    this.#pump();
  }

  /**
   * Rejects everything queued or in flight (controller reset, transport closed). `error` may be a function
   * that makes it, called only when something is waiting (or, once permanently closed, on a later submit).
   */
  failAll(error: HciError | (() => HciError), permanently = false): void {
    const make = typeof error === 'function' ? error : () => error;
    if (permanently) this.#closedWith = make;
    for (const command of [...this.#inFlight.splice(0), ...this.#queue.splice(0)]) {
      clearTimeout(command.timer);
      command.reject(make());
    }
    this.#credits = 1;
  }

  #takeInFlight(opcode: number): QueuedCommand | undefined {
    const index = this.#inFlight.findIndex((c) => c.opcode === opcode);
    if (index < 0) return undefined;
    const [command] = this.#inFlight.splice(index, 1);
    if (command) clearTimeout(command.timer);
    return command;
  }

  #pump(): void {
    while (this.#credits > 0 && this.#queue.length > 0) {
      const command = this.#queue.shift() as QueuedCommand;
      this.#credits--;
      this.#inFlight.push(command);
      command.timer = setTimeout(() => this.#timeout(command), command.timeoutMs);
      this.write(command.opcode, command.params).catch((error: unknown) => {
        this.#takeInFlight(command.opcode);
        command.reject(
          error instanceof HciError
            ? error
            : new HciError('transport-error', `sending ${opcodeName(command.opcode)} failed`, {
                cause: error,
              }),
        );
      });
    }
  }

  #timeout(command: QueuedCommand): void {
    const index = this.#inFlight.indexOf(command);
    if (index < 0) return;
    this.#inFlight.splice(index, 1);
    // The controller lost the command or is gone; give the credit back so a later command (a retried Reset)
    // can still go out instead of waiting forever.
    if (this.#inFlight.length === 0) this.#credits = Math.max(this.#credits, 1);
    command.reject(new HciTimeoutError(command.opcode, command.timeoutMs));
    this.#pump();
  }
}
