/**
 * `--timeout S` for pair, read and gatt: the limit on the whole operation. When it passes, the error says
 * which step did not happen ("no device X answered…"), not just that time ran out, and carries a code for the
 * `error` event.
 */

/** A step of an operation, as the timeout message and the error code name it. */
export interface Step {
  /** The `error` event's code when the deadline passes during this step. */
  code: 'not-found' | 'connect-timeout' | 'timeout';
  /** What did not happen, given the limit in seconds. */
  describe(seconds: number): string;
}

/**
 * An operation that did not happen: its deadline passed (code from the step it was in), the user interrupted
 * it, or the peer refused (`details` go into the `error` event).
 */
export class OperationError extends Error {
  override readonly name = 'OperationError';
  constructor(
    readonly code: Step['code'] | 'interrupted' | 'att-error',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const steps = {
  scanningFor: (text: string): Step => ({
    code: 'not-found',
    describe: (s) =>
      `no device ${text} was seen advertising within ${s} s (without /public or /random tsble scans to learn ` +
      'the address type); check that it is on, advertising and in range',
  }),
  lookingForBonded: (address: string): Step => ({
    code: 'not-found',
    describe: (s) =>
      `the bonded device ${address} was not seen advertising within ${s} s, under its identity or a private ` +
      'address that resolves to it; check that it is on, advertising and in range',
  }),
  connecting: (address: string): Step => ({
    code: 'connect-timeout',
    describe: (s) =>
      `no device ${address} answered: it was not advertising (or not connectable) within ${s} s; ` +
      'check the address and its type (tsble scan lists who advertises)',
  }),
  encrypting: (address: string): Step => ({
    code: 'timeout',
    describe: (s) => `encrypting the link to ${address} from the bond did not finish within ${s} s`,
  }),
  pairing: (address: string): Step => ({
    code: 'timeout',
    describe: (s) => `pairing with ${address} did not finish within ${s} s`,
  }),
  reading: (uuid: string, address: string): Step => ({
    code: 'timeout',
    describe: (s) => `reading ${uuid} from ${address} did not finish within ${s} s`,
  }),
  subscribing: (uuid: string, address: string): Step => ({
    code: 'timeout',
    describe: (s) => `subscribing to ${uuid} on ${address} did not finish within ${s} s`,
  }),
  discovering: (address: string): Step => ({
    code: 'timeout',
    describe: (s) => `discovering the services of ${address} did not finish within ${s} s`,
  }),
};

/** The deadline of one operation: `run(step, work)` races each step against it. */
export class OperationDeadline {
  private step: Step | undefined;
  private readonly expired: Promise<never>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private onAbort: (() => void) | undefined;

  constructor(
    private readonly ms: number,
    private readonly signal: AbortSignal,
    /** Also fails every step (the controller went away). */
    private readonly lost: Promise<never> = new Promise<never>(() => undefined),
  ) {
    this.expired = new Promise<never>((_, reject) => {
      this.timer = setTimeout(() => reject(this.timeoutError()), ms);
      this.onAbort = () => reject(new OperationError('interrupted', 'interrupted'));
      signal.addEventListener('abort', this.onAbort, { once: true });
    });
    this.expired.catch(() => undefined);
  }

  /** Runs `work` as `step`: resolves with its result, or rejects with what did not happen in time. */
  run<T>(step: Step, work: () => Promise<T>): Promise<T> {
    this.step = step;
    return Promise.race([work(), this.expired, this.lost]);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.onAbort) this.signal.removeEventListener('abort', this.onAbort);
  }

  private timeoutError(): OperationError {
    const seconds = this.ms / 1000;
    const step = this.step;
    if (!step) return new OperationError('timeout', `the operation did not finish within ${seconds} s`);
    return new OperationError(step.code, step.describe(seconds));
  }
}
