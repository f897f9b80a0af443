import { opcodeName } from './constants.js';
import { HciCommandError, HciCreditTimeoutError, HciError, HciTimeoutError } from './errors.js';

interface QueuedCommand {
  opcode: number;
  params: Uint8Array;
  timeoutMs: number;
  resolve: (returnParameters: Uint8Array) => void;
  reject: (error: HciError) => void;
  /** When it times out, on `monotonicMs`'s clock; set when it is sent. */
  deadline: number;
}

/**
 * Monotonic milliseconds. process.hrtime rather than performance.now: tests that fake `performance` alone
 * (with real timers) must not make a real watchdog firing see commands as long overdue; fake timers that fake
 * every clock fake both this and setTimeout together.
 */
const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * HCI command flow control. Core 6.0 Vol 4 Part E 4.4: the host may send only as many commands as the last
 * Command Complete/Status granted in Num_HCI_Command_Packets (one, initially and on Zephyr, always). Commands
 * wait in order; each sent one has its own timeout and is matched to the oldest in-flight command with the
 * same opcode.
 *
 * One watchdog timer serves every command's timeout: it is due at the earliest deadline in flight, and a
 * command sent with a later deadline leaves it alone. A timer per command cost a timer-list insert and removal
 * per command (a tenth of a start-up on the virtual controller); with nothing in flight the watchdog is only
 * unreferenced, so it does not hold the process open, and when it fires it finds nothing to do.
 */
export interface CommandFlowOptions {
  /**
   * How long the controller may grant no command credit (Num_HCI_Command_Packets 0) while commands wait, before
   * it is taken as stuck. Default 4000 ms, Linux's HCI_NCMD_TIMEOUT.
   */
  creditTimeoutMs?: number;
  /** Told when the credit deadline passed (the commands waiting have failed with the same error). */
  onCreditTimeout?: (error: HciCreditTimeoutError) => void;
  /** Told when a sent command got no answer in time (after its caller's promise was rejected). */
  onTimeout?: (error: HciTimeoutError) => void;
}

export class CommandFlow {
  #credits = 1;
  readonly #queue: QueuedCommand[] = [];
  readonly #inFlight: QueuedCommand[] = [];
  #closedWith: (() => HciError) | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  /** When the armed watchdog fires, on `monotonicMs`'s clock. */
  #watchdogDue = 0;
  /** Armed while the controller grants no credit; Core 6.0 Vol 4 Part E 4.4 gives no bound, Linux gives 4 s. */
  #creditTimer: NodeJS.Timeout | undefined;
  readonly #creditTimeoutMs: number;
  readonly #onCreditTimeout: ((error: HciCreditTimeoutError) => void) | undefined;
  readonly #onTimeout: ((error: HciTimeoutError) => void) | undefined;

  constructor(
    private readonly write: (opcode: number, params: Uint8Array) => Promise<void>,
    options: CommandFlowOptions = {},
  ) {
    this.#creditTimeoutMs = options.creditTimeoutMs ?? 4000;
    this.#onCreditTimeout = options.onCreditTimeout;
    this.#onTimeout = options.onTimeout;
  }

  /** Commands waiting for a credit plus commands awaiting their completion. */
  get outstanding(): number {
    return this.#queue.length + this.#inFlight.length;
  }

  /** Queues a command; resolves with its return parameters after Status (empty for Command Status). */
  submit(opcode: number, params: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    if (this.#closedWith) return Promise.reject(this.#closedWith());
    return new Promise((resolve, reject) => {
      this.#queue.push({ opcode, params, timeoutMs, resolve, reject, deadline: 0 });
      this.#pump();
    });
  }

  /** Command Complete: status is the first return parameter for every command this stack sends. */
  onCommandComplete(numHciCommandPackets: number, opcode: number, returnParameters: Uint8Array): void {
    this.#setCredits(numHciCommandPackets);
    const command = this.#takeInFlight(opcode);
    if (command) {
      const status = returnParameters[0] ?? 0;
      if (status === 0) command.resolve(returnParameters.subarray(1));
      else command.reject(new HciCommandError(opcode, status));
    }
    this.#pump();
    this.#idleWatchdog();
  }

  onCommandStatus(status: number, numHciCommandPackets: number, opcode: number): void {
    this.#setCredits(numHciCommandPackets);
    const command = this.#takeInFlight(opcode);
    if (command) {
      if (status === 0) command.resolve(new Uint8Array(0));
      else command.reject(new HciCommandError(opcode, status));
    }
    this.#pump();
    this.#idleWatchdog();
  }

  /**
   * Rejects everything queued or in flight (controller reset, transport closed). `error` may be a function
   * that makes it, called only when something is waiting (or, once permanently closed, on a later submit).
   */
  failAll(error: HciError | (() => HciError), permanently = false): void {
    const make = typeof error === 'function' ? error : () => error;
    if (permanently) {
      this.#closedWith = make;
      clearTimeout(this.#watchdog);
      this.#watchdog = undefined;
    }
    this.#stopCreditTimer();
    const failed = [...this.#inFlight.splice(0), ...this.#queue.splice(0)];
    this.#idleWatchdog();
    for (const command of failed) command.reject(make());
    this.#credits = 1;
  }

  /**
   * The oldest command in flight with this opcode, taken out. The caller unreferences the watchdog if nothing is
   * left in flight once it has sent what waits (#idleWatchdog): unreferencing it here, just before the next
   * queued command references it again, cost two timer-list updates per command.
   */
  #takeInFlight(opcode: number): QueuedCommand | undefined {
    const inFlight = this.#inFlight;
    // Nearly always the oldest (one credit): shift it rather than search and splice.
    if (inFlight.length > 0 && (inFlight[0] as QueuedCommand).opcode === opcode) return inFlight.shift();
    for (let i = 1; i < inFlight.length; i++) {
      const command = inFlight[i] as QueuedCommand;
      if (command.opcode === opcode) {
        inFlight.splice(i, 1);
        return command;
      }
    }
    return undefined;
  }

  #setCredits(granted: number): void {
    this.#credits = granted;
    if (granted > 0) this.#stopCreditTimer();
  }

  #stopCreditTimer(): void {
    // Checked first: this runs for every command, and the timer is almost never armed.
    if (this.#creditTimer === undefined) return;
    clearTimeout(this.#creditTimer);
    this.#creditTimer = undefined;
  }

  /** A controller that grants no credit and never more would leave every later command waiting for ever. */
  #watchCredits(): void {
    if (this.#credits > 0 || this.#queue.length === 0 || this.#inFlight.length > 0) {
      // Waiting behind a command in flight is normal: its own timeout bounds that wait.
      if (this.#queue.length === 0) this.#stopCreditTimer();
      return;
    }
    if (this.#creditTimer !== undefined) return;
    this.#creditTimer = setTimeout(() => this.#onCreditTimeoutFired(), this.#creditTimeoutMs);
  }

  #onCreditTimeoutFired(): void {
    this.#creditTimer = undefined;
    if (this.#credits > 0 || this.#queue.length === 0) return;
    const first = this.#queue[0] as QueuedCommand;
    const error = new HciCreditTimeoutError(first.opcode, this.#creditTimeoutMs);
    const failed = this.#queue.splice(0);
    // As Linux's command timeout does (atomic_set(cmd_cnt, 1)): one credit back, so a later command (a Reset
    // to recover) can still be tried instead of joining the wait.
    this.#credits = 1;
    for (const command of failed)
      command.reject(
        command === first ? error : new HciCreditTimeoutError(command.opcode, this.#creditTimeoutMs),
      );
    this.#onCreditTimeout?.(error);
  }

  #pump(): void {
    while (this.#credits > 0 && this.#queue.length > 0) {
      const command = this.#queue.shift() as QueuedCommand;
      this.#credits--;
      this.#inFlight.push(command);
      this.#watch(command);
      this.write(command.opcode, command.params).catch((error: unknown) => {
        this.#takeInFlight(command.opcode);
        this.#idleWatchdog();
        command.reject(
          error instanceof HciError
            ? error
            : new HciError('transport-error', `sending ${opcodeName(command.opcode)} failed`, {
                cause: error,
              }),
        );
      });
    }
    this.#watchCredits();
  }

  /** Starts a sent command's clock: the watchdog is moved earlier only if this deadline comes first. */
  #watch(command: QueuedCommand): void {
    command.deadline = monotonicMs() + command.timeoutMs;
    if (this.#watchdog === undefined || command.deadline < this.#watchdogDue) this.#arm(command.deadline);
    else this.#watchdog.ref();
  }

  #arm(due: number): void {
    clearTimeout(this.#watchdog);
    this.#watchdogDue = due;
    // Timers count whole milliseconds from the loop's cached time, so one may fire a little before `due`:
    // #onWatchdog then finds nothing overdue and arms again for the rest.
    this.#watchdog = setTimeout(() => this.#onWatchdog(), Math.max(1, Math.ceil(due - monotonicMs())));
  }

  /** With nothing in flight the armed watchdog stays (re-arming costs more) but must not keep the process up. */
  #idleWatchdog(): void {
    if (this.#inFlight.length === 0) this.#watchdog?.unref();
  }

  #onWatchdog(): void {
    this.#watchdog = undefined;
    const now = monotonicMs();
    const overdue = this.#inFlight.filter((command) => command.deadline <= now);
    for (const command of overdue) this.#inFlight.splice(this.#inFlight.indexOf(command), 1);
    // The controller lost the command or is gone; give the credit back so a later command (a retried Reset)
    // can still go out instead of waiting forever.
    if (overdue.length > 0 && this.#inFlight.length === 0) this.#credits = Math.max(this.#credits, 1);
    for (const command of overdue) {
      const error = new HciTimeoutError(command.opcode, command.timeoutMs);
      command.reject(error);
      this.#onTimeout?.(error);
    }
    const next = Math.min(...this.#inFlight.map((command) => command.deadline));
    if (Number.isFinite(next)) this.#arm(next);
    this.#pump();
  }
}
