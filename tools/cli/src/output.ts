/**
 * What every command writes through, and the exit statuses: kept free of the stack's packages so that main can
 * load it before it knows which command runs.
 */

/** Exit statuses, a contract (ARCHITECTURE.md, "The tsble command"). */
export const ExitCode = {
  done: 0,
  failed: 1,
  usage: 2,
  transport: 3,
} as const;

/** A mistake in how tsble was called: exit 2 with the message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Whoever reads stdout may stop early (`tsble scan | head`): the write then fails with EPIPE. That ends the
 * command quietly (exit 0): nobody is left to read what it would say, not even an error.
 */
export const stdoutState = { closed: false };

/** Human text or JSON lines on stdout; errors to stderr (human) or as an `error` event (JSON). */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: (text: string) => void = (t) => process.stdout.write(t),
    private readonly stderr: (text: string) => void = (t) => process.stderr.write(t),
  ) {}

  /** Emits an event: a JSON line with `event`, or the human text. */
  event(event: string, fields: Record<string, unknown>, human: string): void {
    if (stdoutState.closed) return;
    if (this.json) this.stdout(`${JSON.stringify({ event, ...fields }, jsonReplacer)}\n`);
    else this.stdout(`${human}\n`);
  }

  /** An event that ends the command in failure (`pairing-failed`): the JSON line, or the text on stderr. */
  failure(event: string, fields: Record<string, unknown>, human: string): void {
    if (stdoutState.closed) return;
    if (this.json) this.stdout(`${JSON.stringify({ event, ...fields }, jsonReplacer)}\n`);
    else this.stderr(`${human}\n`);
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    if (stdoutState.closed) return;
    if (this.json) this.stdout(`${JSON.stringify({ event: 'error', message, ...fields }, jsonReplacer)}\n`);
    else this.stderr(`tsble: ${message}\n`);
  }

  /** A line for people only (a hint): on stderr, never in --json mode. */
  note(text: string): void {
    if (stdoutState.closed || this.json) return;
    this.stderr(`${text}\n`);
  }

  /** A line of human output on stdout that has no event (a summary line): nothing in --json mode. */
  line(text: string): void {
    if (stdoutState.closed || this.json) return;
    this.stdout(`${text}\n`);
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return value;
}
